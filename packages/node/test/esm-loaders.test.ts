// Another agent's import-in-the-middle loader beside the register entry's, in an ES module app: each copy of
// import-in-the-middle runs only the import hooks registered with it, so when the other copy wraps openai's
// ES module, genai-meter's hook never runs and the SDK's calls go unmeasured. That cannot be undone from
// here; it must not be silent.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appEnv, run, SUPPORT } from './support/apps.js';

const FIXTURES = join(SUPPORT, '../fixtures');
const APP = join(FIXTURES, 'esm-lingering-app.mjs');
const WARNING = /the ES module copy of openai was imported, but genai-meter's import hook never ran for it/;

describe('ES module loaders of two copies of import-in-the-middle', () => {
  it('alone, the register entry patches the ES module copy of openai and warns of nothing', async () => {
    const r = await run(['--import', '@genai-meter/node/register', APP], appEnv({ OTEL_METRICS_EXPORTER: 'none' }));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('ESM-PATCHED true');
    expect(r.stderr).not.toMatch(WARNING);
  });

  it("with another agent's loader for every module (OpenLIT's copy), the unpatched ES module copy is reported once on stderr", async () => {
    const r = await run(['--import', '@genai-meter/node/register', '--import', join(FIXTURES, 'second-iitm-loader.mjs'), APP], appEnv({ OTEL_METRICS_EXPORTER: 'none' }));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('ESM-PATCHED false');
    expect(r.stderr.split('\n').filter((l) => WARNING.test(l))).toHaveLength(1);
  });
});
