// The CLI as a real child process, from the built bundle (npm test builds first; a missing or
// stale bundle is rebuilt here).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(pkg, '..', '..');
const cli = join(pkg, 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'genai-meter-price-cli-'));

function newestSource(path: string): number {
  return Math.max(...readdirSync(path, { withFileTypes: true }).map((e) => (e.isDirectory() ? newestSource(join(path, e.name)) : statSync(join(path, e.name)).mtimeMs)));
}

beforeAll(() => {
  if (!existsSync(cli) || statSync(cli).mtimeMs < newestSource(join(pkg, 'src'))) {
    execFileSync('bash', ['scripts/with-node.sh', 'node', 'scripts/build.mjs', 'pricing'], { cwd: root, stdio: 'pipe' });
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const env = { ...process.env };
  delete env.GENAI_METER_PRICING_FILE;
  const r = spawnSync('bash', ['scripts/with-node.sh', 'node', cli, ...args], { cwd: root, encoding: 'utf8', env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('genai-meter-price', () => {
  it('prints the resolved key, the prices, the breakdown and the total', () => {
    const r = run('gpt-4o-2024-08-06', '--input', '1000', '--output', '500', '--cached', '200');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('model:       gpt-4o-2024-08-06 -> gpt-4o (openai)\n');
    expect(r.stdout).toContain('prices:      input $2.5, cached input $1.25, output $10 per 1M tokens\n');
    expect(r.stdout).toContain('source:      https://platform.openai.com/docs/pricing (taken 2026-11-22)\n');
    // 800*2.5 = 2000e-6, 200*1.25 = 250e-6, 500*10 = 5000e-6
    expect(r.stdout).toContain('input:       $0.002\n');
    expect(r.stdout).toContain('cache read:  $0.00025\n');
    expect(r.stdout).toContain('output:      $0.005\n');
    expect(r.stdout).toContain('total:       $0.00725\n');
  });

  it('splits cache writes and reasoning', () => {
    const anthropic = run('anthropic/claude-sonnet-4-20250514', '--input', '10000', '--output', '2000', '--cached', '6000', '--cache-write', '3000');
    expect(anthropic.status).toBe(0);
    expect(anthropic.stdout).toContain('cache write: $0.01125\n');
    expect(anthropic.stdout).toContain('total:       $0.04605\n');
    const o3 = run('o3', '--input=5000', '--output=4000', '--reasoning=3000', '--cached=1000');
    // 4000*2 + 1000*0.5 + 1000*8 + 3000*8 = 40500e-6
    expect(o3.stdout).toContain('reasoning:   $0.024\n');
    expect(o3.stdout).toContain('total:       $0.0405\n');
  });

  it('exits 1 with a clear message for an unknown model', () => {
    const r = run('o3-pro', '--input', '1', '--output', '1');
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('unknown model "o3-pro"');
  });

  it.each([
    [['gpt-4o', '--input', '10']],
    [['gpt-4o', '--output', '10']],
    [['--input', '1', '--output', '1']],
    [['gpt-4o', '--input', 'ten', '--output', '1']],
    [['gpt-4o', '--input', '-1', '--output', '1']],
    [['gpt-4o', '--input', '1', '--output', '1', '--bogus']],
    [['gpt-4o', 'gpt-4.1', '--input', '1', '--output', '1']],
    [['gpt-4o', '--input', '1', '--output']],
  ])('exits 2 on bad flags: %j', (args) => {
    const r = run(...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('usage: genai-meter-price');
  });

  it('--list lists every model with its source and date', () => {
    const r = run('--list');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const bundled = JSON.parse(readFileSync(join(pkg, 'src/data/prices.json'), 'utf8')) as { models: object };
    expect(lines.length).toBe(Object.keys(bundled.models).length);
    expect(r.stdout).toContain('claude-haiku-4-5  [anthropic]  input $1, cached input $0.1, cache write $1.25, output $5 per 1M tokens  source: https://docs.anthropic.com/en/docs/about-claude/pricing (2026-11-22)  aliases: claude-haiku-4.5\n');
    for (const line of lines) expect(line).toMatch(/ source: \S+ \(\d{4}-\d{2}-\d{2}\)/);
  });

  it('applies --file and fails loudly (exit 1) on an invalid one', () => {
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ models: { 'my-model': { provider: 'acme', input: 1, output: 2 } }, deployments: { 'prod-a': 'my-model' } }));
    const r = run('azure/prod-a', '--input', '1000', '--output', '1000', '--file', good);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('-> my-model (acme)');
    expect(r.stdout).toContain('total:       $0.003\n');

    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ models: { 'gpt-4o': { input: 'cheap' } } }));
    const e = run('gpt-4o', '--input', '1', '--output', '1', '--file', bad);
    expect(e.status).toBe(1);
    expect(e.stderr).toContain(`invalid pricing file ${bad} at $.models["gpt-4o"].input (model "gpt-4o")`);
  });

  it('--list --markdown is exactly the README coverage section', () => {
    const r = run('--list', '--markdown');
    expect(r.status).toBe(0);
    const readme = readFileSync(join(pkg, 'README.md'), 'utf8');
    const section = /<!-- coverage:start -->\n([\s\S]*)<!-- coverage:end -->/.exec(readme)?.[1];
    expect(section).toBe(r.stdout);
    expect(r.stdout).toContain('| `gpt-4.1` | openai | 2 | 0.5 |  | 8 |  | https://platform.openai.com/docs/pricing | 2026-11-22 |\n');
  });
});
