// Tolerant loading (what the instrumentation uses): a bad pricing file never stops the app. Each
// problem is reported once, naming the file, the entry and what is wrong; what is broken is
// skipped and the names it meant become unpriced (never left at another layer's price); the rest
// applies. Strict loading (the default, and the CLI's validate) throws the first problem instead.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PriceCatalog, PricingFileError, type PriceCatalogOptions } from '../src/index.js';

delete process.env.GENAI_METER_PRICING_FILE;
const dir = mkdtempSync(join(tmpdir(), 'genai-meter-tolerant-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function writeFile(content: unknown, ext = 'json'): string {
  const path = join(dir, `prices-${++n}.${ext}`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

function tolerant(options: PriceCatalogOptions): { catalog: PriceCatalog; problems: PricingFileError[] } {
  const problems: PricingFileError[] = [];
  const catalog = PriceCatalog.load(options, { onProblem: (p) => problems.push(p) });
  expect(catalog.problems).toEqual(problems);
  return { catalog, problems };
}

const usage = { inputTokens: 1_000_000, outputTokens: 0 };

describe('tolerant loading', () => {
  it('falls back to the bundled catalog when the file cannot be parsed, and says so', () => {
    const file = writeFile('{ "models": { "gpt-4o": ');
    const { catalog, problems } = tolerant({ file });
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe(file);
    expect(problems[0]!.message).toMatch(new RegExp(`^invalid pricing file ${file}: not valid JSON: .*; file skipped: the bundled catalog applies without it$`));
    expect(catalog.cost('gpt-4o', usage)?.totalUsd).toBe(2.5);
  });

  it('falls back when the file is missing or not YAML', () => {
    const missing = tolerant({ file: join(dir, 'nope.json') });
    expect(missing.problems[0]!.message).toContain('cannot read the file');
    expect(missing.catalog.resolve('gpt-4o')).toBeDefined();
    const yaml = tolerant({ file: writeFile('models: [unclosed', 'yaml') });
    expect(yaml.problems[0]!.message).toContain('not valid YAML');
  });

  it('skips an invalid entry, leaves the model it meant unpriced and applies the valid ones', () => {
    const file = writeFile({
      models: {
        'gpt-4o': { input: 'cheap' },
        'gpt-4.1': { input: 1 },
        'my-model': { provider: 'acme', input: 1, output: 2, aliases: ['mine'] },
        'half-model': { provider: 'acme', input: 1, aliases: ['half'] },
      },
    });
    const { catalog, problems } = tolerant({ file });
    expect(problems.map((p) => [p.entry, p.jsonPath])).toEqual([
      ['gpt-4o', '$.models["gpt-4o"].input'],
      ['half-model', '$.models["half-model"]'],
    ]);
    expect(problems[0]!.message).toBe(`invalid pricing file ${file} at $.models["gpt-4o"].input (entry "gpt-4o"): expected a non-negative number of USD per 1M tokens, got "cheap"; entry skipped: "gpt-4o" is unpriced`);
    expect(problems[1]!.message).toContain('missing required field "output"');
    // Not silently priced at the bundled price: every name of gpt-4o is unknown now.
    expect(catalog.resolve('gpt-4o')).toBeUndefined();
    expect(catalog.resolve('openai/gpt-4o-2024-08-06')).toBeUndefined();
    expect(catalog.priceCall(['gpt-4o'], usage)).toEqual({ priced: false, reason: 'unknown_model', detail: 'gpt-4o' });
    expect(catalog.resolve('half')).toBeUndefined();
    // gpt-4o-mini is another model and keeps its price
    expect(catalog.cost('gpt-4o-mini', usage)?.totalUsd).toBe(0.15);
    // the valid entries apply
    expect(catalog.cost('gpt-4.1', usage)?.totalUsd).toBe(1);
    expect(catalog.cost('mine', usage)?.totalUsd).toBe(1);
  });

  it('drops a bundled model named through one of its aliases, with all its names', () => {
    const file = writeFile({ models: { 'claude-sonnet-4.5': { output: -3 } } });
    const { catalog, problems } = tolerant({ file });
    expect(problems[0]!.entry).toBe('claude-sonnet-4.5');
    expect(catalog.resolve('claude-sonnet-4-5-20250929')).toBeUndefined();
    expect(catalog.resolve('claude-sonnet-4')?.key).toBe('claude-sonnet-4');
  });

  it('ignores a colliding alias but keeps the entry', () => {
    const file = writeFile({ models: { 'my-model': { provider: 'acme', input: 1, output: 2, aliases: ['gpt-4o', 'mine'] } } });
    const { catalog, problems } = tolerant({ file });
    expect(problems[0]!.message).toContain('alias "gpt-4o" is already the name or an alias of model "gpt-4o"; alias ignored');
    expect(catalog.resolve('gpt-4o')?.key).toBe('gpt-4o');
    expect(catalog.resolve('mine')?.key).toBe('my-model');
  });

  it('skips bad deployments (their names are unpriced) and unknown top-level fields', () => {
    const file = writeFile({ modles: {}, deployments: { 'prod-a': 'gpt-9000', 'prod-b': 7, 'prod-c': 'gpt-4o' } });
    const { catalog, problems } = tolerant({ file });
    expect(problems.map((p) => p.entry ?? p.jsonPath)).toEqual(['$.modles', 'prod-b', 'prod-a']);
    expect(problems[2]!.message).toContain('deployment "prod-a" maps to "gpt-9000", which is not in the catalog; deployment skipped: "prod-a" is unpriced');
    expect(catalog.resolve('prod-a')).toBeUndefined();
    expect(catalog.resolve('prod-b')).toBeUndefined();
    expect(catalog.resolve('prod-c')?.key).toBe('gpt-4o');
  });

  it('checks tiers for consistency: a tier that leaves out a rate the base has is an invalid entry', () => {
    const file = writeFile({
      models: {
        'tiered': { provider: 'acme', input: 1, cachedInput: 0.1, output: 2, longContext: [{ above: 1000, input: 2, output: 4 }] },
        'tiered-ok': { provider: 'acme', input: 1, output: 2, longContext: [{ above: 1000, input: 2, output: 4 }], serviceTiers: { flex: 0.5, priority: { input: 2, output: 4 } } },
        'bad-tier': { provider: 'acme', input: 1, output: 2, serviceTiers: { default: 2 } },
      },
    });
    const { catalog, problems } = tolerant({ file });
    expect(problems.map((p) => [p.entry, p.jsonPath])).toEqual([
      ['bad-tier', '$.models["bad-tier"].serviceTiers["default"]'],
      ['tiered', '$.models["tiered"].longContext[0]'],
      ['tiered-ok', '$.models["tiered-ok"].serviceTiers["priority"]'],
    ]);
    expect(problems[1]!.message).toContain('long-context tier above 1000 lacks "cachedInput", which the base rates have');
    expect(problems[2]!.message).toContain('has its own rates but no "longContext"');
    expect(catalog.resolve('tiered')).toBeUndefined();
  });

  it('is strict without onProblem: the first problem is thrown, with no consequence told', () => {
    const file = writeFile({ models: { 'gpt-4o': { input: 'cheap' } } });
    expect(() => PriceCatalog.load({ file })).toThrow(new PricingFileError(file, 'expected a non-negative number of USD per 1M tokens, got "cheap"', 'gpt-4o', '$.models["gpt-4o"].input'));
    expect(PriceCatalog.load().problems).toEqual([]);
  });
});
