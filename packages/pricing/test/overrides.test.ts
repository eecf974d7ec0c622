import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { PriceCatalog, PricingFileError, type PriceCatalogOptions } from '../src/index.js';

delete process.env.GENAI_METER_PRICING_FILE;
const dir = mkdtempSync(join(tmpdir(), 'genai-meter-pricing-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  delete process.env.GENAI_METER_PRICING_FILE;
});

let n = 0;
function writeFile(content: unknown, ext = 'json'): string {
  const path = join(dir, `prices-${++n}.${ext}`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

function loadError(options: PriceCatalogOptions): PricingFileError {
  try {
    PriceCatalog.load(options);
  } catch (err) {
    if (err instanceof PricingFileError) return err;
    throw err;
  }
  throw new Error('expected PricingFileError');
}

describe('override precedence: bundled < file < programmatic', () => {
  it('merges field by field for existing models', () => {
    const file = writeFile({ models: { 'gpt-4o': { input: 2.0, cachedInput: 1.0 } } });
    const cat = PriceCatalog.load({ file, overrides: { 'gpt-4o': { input: 1.5 } } });
    const { price } = cat.resolve('gpt-4o-2024-08-06')!;
    expect(price.input).toBe(1.5); // programmatic wins
    expect(price.cachedInput).toBe(1.0); // file wins over bundled
    expect(price.output).toBe(10); // bundled kept
    expect(price.source).toBe('https://developers.openai.com/api/docs/pricing');
    // 1000*1.5 + 1000*1.0 + 1000*10 = 12500
    expect(cat.cost('gpt-4o', { inputTokens: 2_000, cacheReadTokens: 1_000, outputTokens: 1_000 })!.totalUsd).toBeCloseTo(0.0125, 15);
  });

  it('reads GENAI_METER_PRICING_FILE by default; an explicit file wins over it', () => {
    process.env.GENAI_METER_PRICING_FILE = writeFile({ models: { 'gpt-4o': { input: 3 } } });
    expect(PriceCatalog.load().resolve('gpt-4o')!.price.input).toBe(3);
    const explicit = writeFile({ models: { 'gpt-4o': { input: 4 } } });
    expect(PriceCatalog.load({ file: explicit }).resolve('gpt-4o')!.price.input).toBe(4);
  });

  it('adds new models and maps deployments from the file; programmatic deployments win', () => {
    const file = writeFile({
      models: { 'my-model': { provider: 'acme', input: 1, output: 2, aliases: ['my-model-v1'] } },
      deployments: { 'prod-gpt4o': 'gpt-4o', 'prod-mine': 'my-model-v1' },
    });
    const cat = PriceCatalog.load({ file, deployments: { 'prod-gpt4o': 'gpt-4o-mini' } });
    expect(cat.resolve('my-model')?.key).toBe('my-model');
    expect(cat.resolve('azure/prod-mine')?.key).toBe('my-model');
    expect(cat.resolve('prod-gpt4o')?.key).toBe('gpt-4o-mini');
    const { price } = cat.resolve('my-model')!;
    expect(price.source).toBe(file); // a user model without a source says where it came from
    expect(price.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // 1000*1 + 1000*2 = 3000
    expect(cat.cost('my-model-v1', { inputTokens: 1_000, outputTokens: 1_000 })!.totalUsd).toBe(0.003);
    expect(cat.models()).toContain('my-model');
  });

  it('reads YAML files', () => {
    const file = writeFile(
      ['models:', '  gpt-4o:', '    input: 2.25', '  my-yaml-model:', '    provider: acme', '    input: 0.5', '    output: 1', 'deployments:', '  y-dep: my-yaml-model', ''].join('\n'),
      'yaml',
    );
    const cat = PriceCatalog.load({ file });
    expect(cat.resolve('gpt-4o')!.price.input).toBe(2.25);
    expect(cat.resolve('y-dep')?.key).toBe('my-yaml-model');
  });

  it('lets a user price one snapshot differently: exact names beat snapshot stripping', () => {
    const cat = PriceCatalog.load({
      overrides: { 'gpt-4o-2024-11-20': { provider: 'openai', input: 9, output: 9, source: 'https://example.com/contract', date: '2026-01-01' } },
    });
    expect(cat.resolve('gpt-4o-2024-11-20')?.key).toBe('gpt-4o-2024-11-20');
    expect(cat.resolve('gpt-4o-2024-08-06')?.key).toBe('gpt-4o');
  });

  it('merges into a model named by one of its aliases and adds aliases', () => {
    const cat = PriceCatalog.load({ overrides: { 'claude-sonnet-4-0': { input: 2, aliases: ['sonnet-prod'] } } });
    const { key, price } = cat.resolve('sonnet-prod')!;
    expect(key).toBe('claude-sonnet-4');
    expect(price.input).toBe(2);
    expect(price.aliases).toEqual(['claude-sonnet-4-0', 'claude-4-sonnet', 'sonnet-prod']);
  });

  it('removes an optional price with null', () => {
    const file = writeFile({ models: { 'gpt-4o': { cachedInput: null } } });
    const cat = PriceCatalog.load({ file });
    expect(cat.resolve('gpt-4o')!.price.cachedInput).toBeUndefined();
    // cached tokens now billed at input: 1000 * 2.5
    expect(cat.cost('gpt-4o', { inputTokens: 1_000, cacheReadTokens: 1_000, outputTokens: 0 })!.totalUsd).toBe(0.0025);
  });

  it('leaves the bundled catalog untouched for other catalogs', () => {
    PriceCatalog.load({ overrides: { 'gpt-4o': { input: 99 } } });
    expect(PriceCatalog.load().resolve('gpt-4o')!.price.input).toBe(2.5);
  });
});

describe('schema errors name the file, the JSON path and the entry', () => {
  it('rejects a non-numeric price', () => {
    const file = writeFile({ models: { 'gpt-4o': { input: 'abc' } } });
    const err = loadError({ file });
    expect(err.path).toBe(file);
    expect(err.entry).toBe('gpt-4o');
    expect(err.jsonPath).toBe('$.models["gpt-4o"].input');
    expect(err.message).toBe(`invalid pricing file ${file} at $.models["gpt-4o"].input (entry "gpt-4o"): expected a non-negative number of USD per 1M tokens, got "abc"`);
  });

  it.each([
    [{ models: { 'gpt-4o': { output: -1 } } }, '$.models["gpt-4o"].output', 'gpt-4o', 'non-negative number'],
    [{ models: { 'gpt-4o': { cachedinput: 1 } } }, '$.models["gpt-4o"].cachedinput', 'gpt-4o', 'unknown field "cachedinput"'],
    [{ models: { 'new-one': { provider: 'x', input: 1, output: 1, date: '2026-13-01' } } }, '$.models["new-one"].date', 'new-one', 'YYYY-MM-DD'],
    [{ models: { 'new-one': { provider: 'x', input: 1 } } }, '$.models["new-one"]', 'new-one', 'missing required field "output"'],
    [{ models: { 'new-one': { provider: 'x', input: 1, output: 1, aliases: ['gpt-4o'] } } }, '$.models["new-one"].aliases', 'new-one', 'alias "gpt-4o" is already the name or an alias of model "gpt-4o"'],
    [{ models: { 'new-one': { provider: 'x', input: 1, output: 1, aliases: 'x' } } }, '$.models["new-one"].aliases', 'new-one', 'expected an array'],
    [{ models: { 'gpt-4o': { provider: null } } }, '$.models["gpt-4o"].provider', 'gpt-4o', '"provider" cannot be null'],
    [{ models: { 'gpt-4o': 3 } }, '$.models["gpt-4o"]', 'gpt-4o', 'expected an object of prices'],
    [{ deployments: { 'prod-x': 'gpt-9000' } }, '$.deployments["prod-x"]', 'prod-x', 'not in the catalog'],
    [{ deployments: { 'prod-x': 42 } }, '$.deployments["prod-x"]', 'prod-x', 'expected a non-empty model name'],
    [{ model: {} }, '$.model', undefined, 'unknown top-level field "model"'],
    [[1, 2], '$', undefined, 'expected an object'],
  ])('%j', (content, jsonPath, entry, problem) => {
    const file = writeFile(content);
    const err = loadError({ file });
    expect(err.path).toBe(file);
    expect(err.jsonPath).toBe(jsonPath);
    expect(err.entry).toBe(entry);
    expect(err.message).toContain(problem);
    expect(err.message).toContain(file);
  });

  it('rejects invalid JSON, invalid YAML and a missing file, with the path', () => {
    const bad = writeFile('{ "models": ');
    expect(loadError({ file: bad }).message).toMatch(new RegExp(`^invalid pricing file ${bad}: not valid JSON`));
    const badYaml = writeFile('models: [unclosed', 'yml');
    expect(loadError({ file: badYaml }).message).toContain('not valid YAML');
    const missing = join(dir, 'does-not-exist.json');
    const err = loadError({ file: missing });
    expect(err.path).toBe(missing);
    expect(err.message).toContain('cannot read the file');
  });

  it('reports programmatic overrides as <overrides>', () => {
    const err = loadError({ overrides: { 'half-model': { provider: 'x', output: 1 } } });
    expect(err.path).toBe('<overrides>');
    expect(err.entry).toBe('half-model');
    expect(err.jsonPath).toBe('$.overrides["half-model"]');
    expect(err.message).toContain('missing required field "input"');
  });
});
