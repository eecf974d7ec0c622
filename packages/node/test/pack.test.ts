// The published form: `npm pack` of @genai-meter/node and the workspace packages it depends on, installed
// with npm into an empty directory outside the repository (so nothing resolves into the workspace), then
// the examples run under --require and --import against the simulator and /metrics is scraped.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '@genai-meter/simulator';
import { freePort } from '../../../tests/support/tools.js';
import { appEnv, CJS_APP, ESM_APP, killAll, launch, nodeArgs, REPO_ROOT, type Loader } from './support/apps.js';
import { expectExampleSeries } from './support/expect.js';
import { scrape } from './support/prometheus-text.js';

// npm from PATH (the Node 24 that runs the tests comes without one).
const npm = 'npm';

/** @genai-meter/node and every workspace package it depends on, transitively. */
function workspacePackages(name = 'node', seen = new Set<string>()): Set<string> {
  seen.add(name);
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'packages', name, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  for (const dep of Object.keys(pkg.dependencies ?? {})) {
    const short = dep.startsWith('@genai-meter/') ? dep.slice('@genai-meter/'.length) : undefined;
    if (short && !seen.has(short)) workspacePackages(short, seen);
  }
  return seen;
}

let dir: string;
let sim: Simulator;
beforeAll(async () => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'genai-meter-pack-')));
  const tarballs = join(dir, 'tarballs');
  mkdirSync(tarballs);
  for (const name of workspacePackages()) {
    execFileSync(npm, ['pack', '--pack-destination', tarballs, '--loglevel=error'], { cwd: join(REPO_ROOT, 'packages', name), stdio: 'ignore' });
  }
  const app = join(dir, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'pack-test-app', private: true }));
  const openai = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules/openai/package.json'), 'utf8')) as { version: string };
  execFileSync(
    npm,
    ['install', '--no-audit', '--no-fund', '--loglevel=error', '--prefer-offline', ...readdirSync(tarballs).map((f) => join(tarballs, f)), `openai@${openai.version}`],
    { cwd: app, stdio: 'inherit' },
  );
  cpSync(CJS_APP, join(app, 'index.cjs'));
  cpSync(ESM_APP, join(app, 'index.mjs'));
  sim = await startSimulator({ seed: 1, latencyScale: 0 });
}, 300_000);
afterEach(() => killAll());
afterAll(async () => {
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('npm pack of @genai-meter/node, installed into an empty directory', () => {
  it('resolves the register entry from the installed package, not the workspace', () => {
    const app = join(dir, 'app');
    const require = createRequire(join(app, 'index.cjs'));
    expect(require.resolve('@genai-meter/node/register')).toBe(join(app, 'node_modules/@genai-meter/node/dist/register.cjs'));
    expect(require.resolve('openai').startsWith(join(app, 'node_modules/openai/'))).toBe(true);
  });

  it.each([
    ['require', 'index.cjs'],
    ['import', 'index.mjs'],
    ['require', 'index.mjs'],
    ['import', 'index.cjs'],
  ] as [Loader, string][])('node --%s @genai-meter/node/register %s: exact series on /metrics', async (loader, file) => {
    const port = await freePort();
    const app = launch(
      nodeArgs(loader, join(dir, 'app', file), { linger: true }),
      appEnv({ OPENAI_BASE_URL: sim.baseURL, OTEL_EXPORTER_PROMETHEUS_PORT: String(port) }),
      join(dir, 'app'),
    );
    expect((await app.summary()).calls).toBe(3);
    expectExampleSeries(await scrape(`http://127.0.0.1:${port}/metrics`));
    app.kill('SIGTERM');
    expect(await app.exit).toMatchObject({ code: null, signal: 'SIGTERM' });
  });
});
