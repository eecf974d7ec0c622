// The CLI as a real child process, from the built bundle (npm test builds first; a missing or
// stale bundle is rebuilt here), and once through `npx` from the repository root as a user runs it.
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

function write(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('genai-meter-price', () => {
  it('is reachable as `npx genai-meter-price` from the repository root (no download)', () => {
    const r = spawnSync('bash', ['scripts/with-node.sh', 'npx', '--no', '--', 'genai-meter-price', '--help'], { cwd: root, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: genai-meter-price <model>/);
  });

  it('--help prints the usage and exits 0', () => {
    const r = run('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('--service-tier TIER');
    expect(r.stdout).toContain('diff FILE');
  });

  it('prints the resolved key, the prices, what was applied, the breakdown and the total', () => {
    const r = run('gpt-4o-2024-08-06', '--input', '1000', '--output', '500', '--cached', '200');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('model:         gpt-4o-2024-08-06 -> gpt-4o (openai)\n');
    expect(r.stdout).toContain('prices:        input $2.5, cached input $1.25, output $10 per 1M tokens\n');
    expect(r.stdout).toContain('service tiers: batch x0.5; priority x1.7\n');
    expect(r.stdout).toContain('source:        https://developers.openai.com/api/docs/pricing (taken 2026-12-02)\n');
    expect(r.stdout).toContain('applied:       standard tier, base rates\n');
    // 800*2.5 = 2000e-6, 200*1.25 = 250e-6, 500*10 = 5000e-6
    expect(r.stdout).toContain('input:         $0.002\n');
    expect(r.stdout).toContain('cache read:    $0.00025\n');
    expect(r.stdout).toContain('output:        $0.005\n');
    expect(r.stdout).toContain('total:         $0.00725\n');
  });

  it('applies the long-context rates from --input alone', () => {
    const r = run('gemini-2.5-pro', '--input', '300000');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('applied:       standard tier, long-context rates (input above 200000 tokens)\n');
    // 300000 * 2.5
    expect(r.stdout).toContain('total:         $0.75\n');
  });

  it('--service-tier applies the tier and says so; an unlisted tier is an error', () => {
    const r = run('openai/gpt-5.5', '--input', '300000', '--output', '1000', '--service-tier', 'priority');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('applied:       priority tier, long-context rates (input above 272000 tokens)\n');
    // (300000*10 + 1000*45) * 2.5
    expect(r.stdout).toContain('total:         $7.6125\n');
    const e = run('gpt-4o', '--input', '1', '--service-tier', 'scale');
    expect(e.status).toBe(1);
    expect(e.stderr).toContain('no price for service tier "scale" (this model has: standard, batch, priority)');
  });

  it('splits cache writes by lifetime, reasoning, and prices per unit', () => {
    const a = run('anthropic/claude-sonnet-4-20250514', '--input', '10000', '--output', '2000', '--cached', '6000', '--cache-write', '3000', '--cache-write-1h', '1000');
    // 1000*3 + 6000*0.3 + 2000*3.75 + 1000*6 + 2000*15 = 3000 + 1800 + 7500 + 6000 + 30000
    expect(a.stdout).toContain('cache write:   $0.0135\n');
    expect(a.stdout).toContain('total:         $0.0483\n');
    const o3 = run('o3', '--input=5000', '--output=4000', '--reasoning=3000', '--cached=1000');
    // 4000*2 + 1000*0.5 + 1000*8 + 3000*8 = 40500e-6
    expect(o3.stdout).toContain('reasoning:     $0.024\n');
    expect(o3.stdout).toContain('total:         $0.0405\n');
    const img = run('dall-e-3', '--images', '2', '--quality', 'hd', '--size', '1024x1792');
    expect(img.stdout).toContain('applied:       standard tier, per-unit prices\n');
    expect(img.stdout).toContain('total:         $0.24\n');
  });

  it('--json prints the price and the cost as JSON', () => {
    const r = run('gpt-5', '--input', '1000', '--output', '1000', '--service-tier', 'flex', '--json');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { key: string; serviceTier: string; cost: { totalUsd: number; serviceTier: string }; price: { source: string } };
    expect(out.key).toBe('gpt-5');
    expect(out.cost.serviceTier).toBe('flex');
    // (1000*1.25 + 1000*10) * 0.5
    expect(out.cost.totalUsd).toBeCloseTo(0.005625, 15);
    expect(out.price.source).toMatch(/^https:\/\//);
    const card = JSON.parse(run('gpt-5', '--json').stdout) as { cost?: unknown; price: { input: number } };
    expect(card.cost).toBeUndefined();
    expect(card.price.input).toBe(1.25);
  });

  it('exits 1 with a clear message for an unknown model', () => {
    const r = run('o3-pro-max', '--input', '1', '--output', '1');
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('unknown model "o3-pro-max"');
  });

  it.each([
    [['--input', '1', '--output', '1']],
    [['gpt-4o', '--input', 'ten', '--output', '1']],
    [['gpt-4o', '--input', '-1', '--output', '1']],
    [['gpt-4o', '--input', '1', '--output', '1', '--bogus']],
    [['gpt-4o', 'gpt-4.1', '--input', '1', '--output', '1']],
    [['gpt-4o', '--input', '1', '--output']],
    [['gpt-4o', '--cache-write-ttl', '1h']],
    [['gpt-4o', '--markdown']],
    [['diff']],
    [['--list', '--markdown', '--json']],
  ])('exits 2 on bad flags: %j', (args) => {
    const r = run(...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('usage: genai-meter-price');
  });

  it('--list lists every model with its source and date; --list --json too', () => {
    const r = run('--list');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const bundled = JSON.parse(readFileSync(join(pkg, 'src/data/prices.json'), 'utf8')) as { models: object };
    expect(lines.length).toBe(Object.keys(bundled.models).length);
    for (const line of lines) expect(line).toMatch(/ source: https:\/\/\S+ \(\d{4}-\d{2}-\d{2}\)/);
    const json = JSON.parse(run('--list', '--json').stdout) as { key: string }[];
    expect(json.length).toBe(lines.length);
  });

  it('applies --file and fails loudly (exit 1) on an invalid one', () => {
    const good = write('good.json', { models: { 'my-model': { provider: 'acme', input: 1, output: 2 } }, deployments: { 'prod-a': 'my-model' } });
    const r = run('azure/prod-a', '--input', '1000', '--output', '1000', '--file', good);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('-> my-model (acme)');
    expect(r.stdout).toContain('total:         $0.003\n');
    const bad = write('bad.json', { models: { 'gpt-4o': { input: 'cheap' } } });
    const e = run('gpt-4o', '--input', '1', '--output', '1', '--file', bad);
    expect(e.status).toBe(1);
    expect(e.stderr).toContain(`invalid pricing file ${bad} at $.models["gpt-4o"].input (entry "gpt-4o")`);
  });

  it('validate lists every problem of a file (exit 1) and passes a good one (exit 0)', () => {
    const bad = write('two-problems.json', { models: { 'gpt-4o': { input: -1 }, 'x-model': { provider: 'acme', input: 1 } }, deployments: { 'prod-z': 'nothing' } });
    const r = run('validate', bad);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('$.models["gpt-4o"].input (entry "gpt-4o"): expected a non-negative number');
    expect(r.stderr).toContain('(entry "x-model"): missing required field "output"');
    expect(r.stderr).toContain('deployment "prod-z" maps to "nothing"');
    expect(r.stderr).toContain(`${bad}: 3 problems\n`);
    const good = write('fine.json', { models: { 'gpt-4o': { input: 2 } } });
    const ok = run('validate', good);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/fine\.json: valid \(\d+ models priced with the bundled catalog\)\n$/);
  });

  it('diff compares a LiteLLM-format file with the bundled catalog', () => {
    const file = write('litellm.json', {
      'deepseek/deepseek-v4-pro': { input_cost_per_token: 1.74e-6, output_cost_per_token: 3.48e-6, litellm_provider: 'deepseek', mode: 'chat' },
      'gpt-4o': { input_cost_per_token: 2.5e-6, output_cost_per_token: 1e-5, litellm_provider: 'openai', mode: 'chat' },
      'new-model-x': { input_cost_per_token: 1e-6, output_cost_per_token: 1e-6, litellm_provider: 'openai', mode: 'chat' },
    });
    const r = run('diff', file);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`${file} (LiteLLM's format) compared with the bundled catalog\n`);
    expect(r.stdout).toContain('changed: 1 name priced differently\n  deepseek/deepseek-v4-pro (deepseek-v4-pro): input 1.32 -> 1.74, output 3.96 -> 3.48\n');
    expect(r.stdout).toContain('only in the file: 1 name (--all lists them)\n');
    expect(run('diff', file, '--all').stdout).toContain('only in the file: 1 name\n  new-model-x\n');
    const json = JSON.parse(run('diff', file, '--json').stdout) as { changed: unknown[]; added: string[] };
    expect(json.added).toEqual(['new-model-x']);
  });

  it('--list --markdown is exactly the README coverage section', () => {
    const r = run('--list', '--markdown');
    expect(r.status).toBe(0);
    const readme = readFileSync(join(pkg, 'README.md'), 'utf8');
    const section = /<!-- coverage:start -->\n([\s\S]*)<!-- coverage:end -->/.exec(readme)?.[1];
    expect(section, 'run `npm run coverage -w @genai-meter/pricing` to regenerate the README table').toBe(r.stdout);
    expect(r.stdout).toContain('| `gpt-4.1` | openai | 2 | 0.5 |  | 8 | batch x0.5, priority x1.75 |');
  });
});
