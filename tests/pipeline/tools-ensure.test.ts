// scripts/tools/ensure.sh and ensure-prometheus3.sh: a cached tool costs (almost) nothing, the env file
// names every tool the tests use (Prometheus 3 included, so the e2e suite always runs its second pass),
// and a bad version is refused before anything is downloaded.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readToolsEnv, REPO_ROOT } from '../support/tools.js';

const ENSURE_P3 = join(REPO_ROOT, 'scripts/tools/ensure-prometheus3.sh');
const dir = mkdtempSync(join(tmpdir(), 'genai-ensure-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a script with only the given environment. */
function run(script: string, env: Record<string, string>) {
  const t = process.hrtime.bigint();
  const r = spawnSync('bash', [script], { env: { PATH: '/usr/bin:/bin', HOME: dir, ...env }, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr, ms: Number(process.hrtime.bigint() - t) / 1e6 };
}

describe('ensure-prometheus3.sh', () => {
  it('prints the cached binary of the version and builds nothing, in well under a second', () => {
    const tools = join(dir, 'cached');
    const stub = join(tools, 'prometheus3-v0.315.0');
    spawnSync('mkdir', ['-p', tools]);
    writeFileSync(stub, '#!/bin/sh\necho stub\n');
    chmodSync(stub, 0o755);
    const r = run(ENSURE_P3, { GENAI_METER_TOOLS_DIR: tools });
    expect([r.status, r.stdout]).toEqual([0, stub]);
    expect(r.ms).toBeLessThan(1_000);
  });

  it('PROMETHEUS3_BIN wins; a version that is not a 3.x module version is refused', () => {
    expect(run(ENSURE_P3, { GENAI_METER_TOOLS_DIR: join(dir, 'none'), PROMETHEUS3_BIN: '/opt/prometheus' }).stdout).toBe('/opt/prometheus');
    const bad = run(ENSURE_P3, { GENAI_METER_TOOLS_DIR: join(dir, 'none'), PROMETHEUS3_MODULE_VERSION: 'v3.5.0' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('v3.5.0 is not a v0.3xx.y module version');
  });
});

describe('ensure.sh with every tool cached', () => {
  it('takes well under a second and writes PROMETHEUS3_BIN, a Prometheus 3 binary, into .cache/tools.env', () => {
    const r = spawnSync('bash', [join(REPO_ROOT, 'scripts/tools/ensure.sh')], { encoding: 'utf8', timeout: 1_800_000 });
    expect(r.status, r.stderr).toBe(0);
    // A second run finds everything cached: this is the cost npm test pays on every run.
    const t = process.hrtime.bigint();
    const again = spawnSync('bash', [join(REPO_ROOT, 'scripts/tools/ensure.sh')], { encoding: 'utf8', timeout: 60_000 });
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/ensure-tools: prometheus 3: \S+prometheus3-v0\.\d+\.\d+ \(0\.\d s\)/);
    expect(ms).toBeLessThan(1_000);
    const bin = readToolsEnv().PROMETHEUS3_BIN!;
    expect(bin).toMatch(/prometheus3-v0\.3\d\d\.\d+$/);
    const version = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    expect(version.stdout + version.stderr).toMatch(/^prometheus, version 3\.\d+\.\d+/);
  }, 1_900_000);
});
