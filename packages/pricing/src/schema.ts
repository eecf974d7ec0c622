// Validation of price documents in our own format (the bundled catalog, user files, programmatic
// overrides). Every problem names the file, the JSON path and the model, and goes to a reporter:
// strict loading throws it, tolerant loading skips what it concerns and carries on.
import type { ModelPrice } from './types.js';

/** An invalid pricing file or entry: `path` is the file (or `<bundled>` / `<overrides>`), `entry` the model or deployment. */
export class PricingFileError extends Error {
  readonly path: string;
  readonly entry?: string;
  /** JSON path of the offending value, e.g. `$.models["gpt-4o"].input`. */
  readonly jsonPath?: string;
  /** What loading did about it (`entry skipped: "x" is unpriced`, `file skipped`). */
  readonly consequence?: string;
  /** What is wrong, without the location. */
  readonly problem: string;

  constructor(path: string, problem: string, entry?: string, jsonPath?: string, consequence?: string) {
    const where = jsonPath ? ` at ${jsonPath}` : '';
    const which = entry !== undefined ? ` (entry "${entry}")` : '';
    super(`invalid pricing file ${path}${where}${which}: ${problem}${consequence ? `; ${consequence}` : ''}`);
    this.name = 'PricingFileError';
    this.path = path;
    this.problem = problem;
    if (entry !== undefined) this.entry = entry;
    if (jsonPath !== undefined) this.jsonPath = jsonPath;
    if (consequence !== undefined) this.consequence = consequence;
  }
}

/** Receives each problem; strict loading throws from it. */
export type ProblemReporter = (problem: PricingFileError) => void;

/** A model entry as written in a document: every field optional until merged; `null` removes a field. */
export type PriceEntry = { -readonly [K in keyof ModelPrice]?: ModelPrice[K] | null };

export interface PriceDocument {
  models: Map<string, PriceEntry>;
  deployments: Map<string, string>;
  /** Reported service tier name -> canonical tier (`"scale": "standard"`). */
  serviceTierAliases: Map<string, string>;
  /** Models whose entry was invalid and skipped: their names must end up unpriced. Value: the aliases it named. */
  invalid: Map<string, string[]>;
  /** LiteLLM's documents: tier rates they leave out are derived when merged (see deriveTierRates). */
  deriveTierRates?: boolean;
}

export function emptyDocument(): PriceDocument {
  return { models: new Map(), deployments: new Map(), serviceTierAliases: new Map(), invalid: new Map() };
}

/** Token rate fields, shared by the base rates, long-context tiers and explicit service tiers. */
export const RATE_FIELDS = [
  'input', 'cachedInput', 'cacheWrite', 'output', 'reasoningOutput',
  'audioInput', 'cachedAudioInput', 'audioOutput', 'imageInput', 'cachedImageInput', 'imageOutput',
] as const;
const OPTIONAL_RATE_FIELDS = RATE_FIELDS.filter((f) => f !== 'input' && f !== 'output');
export const MODES: ReadonlySet<string> = new Set(['chat', 'completion', 'embedding', 'image', 'transcription', 'speech', 'moderation']);
/** Fields a later document may remove with `null`. */
export const REMOVABLE_FIELDS: ReadonlySet<string> = new Set([
  ...OPTIONAL_RATE_FIELDS, 'cacheWriteByTtl', 'longContext', 'serviceTiers', 'images', 'perAudioMinute', 'perMillionCharacters', 'note', 'mode',
]);
const KNOWN_FIELDS = new Set<string>([
  'provider', 'mode', ...RATE_FIELDS, 'cacheWriteByTtl', 'longContext', 'serviceTiers', 'images',
  'perAudioMinute', 'perMillionCharacters', 'source', 'date', 'note', 'aliases',
]);
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const URL_LIKE = /^https?:\/\/\S+$/;
const TTL = /^\d+(m|h)$/;
const TIER_NAME = /^[a-z][a-z0-9_-]*$/;
/** Names of the standard tier as responses report it; never a key of `serviceTiers`. */
export const STANDARD_TIER_NAMES: ReadonlySet<string> = new Set(['standard', 'default', 'auto', 'on_demand', 'standard_only']);

export function keyPath(base: string, key: string): string {
  return `${base}[${JSON.stringify(key)}]`;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isValidDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

export interface ParseOptions {
  /** File path or `<overrides>`, used in errors. */
  origin: string;
  /** JSON path of the models object, e.g. `$.models`. */
  modelsPath: string;
  /** Bundled catalog: `source` must be an http(s) URL and `null` is not allowed. */
  strict: boolean;
}

/** Thrown inside one entry's validation; the document parser turns it into a reported problem. */
class EntryProblem extends Error {
  constructor(readonly problem: string, readonly path: string) {
    super(problem);
  }
}

function fail(problem: string, path: string): never {
  throw new EntryProblem(problem, path);
}

function price(value: unknown, path: string, unit = 'USD per 1M tokens'): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail(`expected a non-negative number of ${unit}, got ${describe(value)}`, path);
  return value as number;
}

function object(value: unknown, path: string, what: string): Record<string, unknown> {
  if (!isPlainObject(value)) fail(`expected ${what}, got ${describe(value)}`, path);
  return value as Record<string, unknown>;
}

function ttlPrices(value: unknown, path: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [ttl, v] of Object.entries(object(value, path, 'an object of cache lifetimes ("1h", "12h") to prices'))) {
    if (!TTL.test(ttl)) fail(`expected a cache lifetime like "1h" or "30m", got ${JSON.stringify(ttl)}`, keyPath(path, ttl));
    out[ttl] = price(v, keyPath(path, ttl));
  }
  return out;
}

type Rates = { [K in (typeof RATE_FIELDS)[number]]?: number } & { cacheWriteByTtl?: Record<string, number> };

/** Rate fields of a long-context tier or explicit service tier; `extra` lists the other fields it may hold. */
function rates(raw: Record<string, unknown>, path: string, extra: ReadonlySet<string>): Rates {
  const out: Rates = {};
  for (const [field, value] of Object.entries(raw)) {
    const p = `${path}.${field}`;
    if ((RATE_FIELDS as readonly string[]).includes(field)) out[field as (typeof RATE_FIELDS)[number]] = price(value, p);
    else if (field === 'cacheWriteByTtl') out.cacheWriteByTtl = ttlPrices(value, p);
    else if (!extra.has(field)) fail(`unknown field "${field}" (allowed: ${[...RATE_FIELDS, 'cacheWriteByTtl', ...extra].join(', ')})`, p);
  }
  if (out.input === undefined || out.output === undefined) fail('expected at least "input" and "output" rates', path);
  return out;
}

function longContext(value: unknown, path: string): ModelPrice['longContext'] {
  if (!Array.isArray(value) || value.length === 0) fail(`expected a non-empty array of { "above": tokens, rates }, got ${describe(value)}`, path);
  let previous = 0;
  return (value as unknown[]).map((tier, i) => {
    const p = `${path}[${i}]`;
    const raw = object(tier, p, 'an object with "above" and rates');
    const above = raw.above;
    if (typeof above !== 'number' || !Number.isSafeInteger(above) || above <= previous) {
      fail(`expected "above" to be a whole number of input tokens, ascending (over ${previous}), got ${describe(above)}`, `${p}.above`);
    }
    previous = above as number;
    return { above: above as number, ...rates(raw, p, new Set(['above'])) } as NonNullable<ModelPrice['longContext']>[number];
  });
}

function serviceTiers(value: unknown, path: string): Record<string, number | object> {
  const out: Record<string, number | object> = {};
  for (const [name, tier] of Object.entries(object(value, path, 'an object of service tiers'))) {
    const p = keyPath(path, name);
    if (!TIER_NAME.test(name) || STANDARD_TIER_NAMES.has(name)) {
      fail(`expected a lowercase tier name other than the standard tier's (${[...STANDARD_TIER_NAMES].join(', ')}), got ${JSON.stringify(name)}`, p);
    }
    if (typeof tier === 'number') {
      if (!Number.isFinite(tier) || tier <= 0) fail(`expected a positive multiplier of the standard rates, got ${describe(tier)}`, p);
      out[name] = tier;
      continue;
    }
    const raw = object(tier, p, 'a multiplier of the standard rates or an object of rates');
    const own = rates(raw, p, new Set(['longContext']));
    out[name] = raw.longContext === undefined ? own : { ...own, longContext: longContext(raw.longContext, `${p}.longContext`) };
  }
  return out;
}

function images(value: unknown, path: string): ModelPrice['images'] {
  const raw = object(value, path, 'an object with "prices" by quality and size');
  const out: { defaultQuality?: string; defaultSize?: string; prices: Record<string, Record<string, number>> } = { prices: {} };
  for (const [field, v] of Object.entries(raw)) {
    const p = `${path}.${field}`;
    if (field === 'defaultQuality' || field === 'defaultSize') {
      if (typeof v !== 'string' || v === '') fail(`expected a non-empty string, got ${describe(v)}`, p);
      out[field] = v as string;
    } else if (field === 'prices') {
      for (const [quality, sizes] of Object.entries(object(v, p, 'an object of qualities'))) {
        const q = keyPath(p, quality);
        out.prices[quality] = {};
        for (const [size, usd] of Object.entries(object(sizes, q, 'an object of sizes ("1024x1024") to USD per image'))) {
          if (size !== '*' && !/^\d+x\d+$/.test(size)) fail(`expected a size like "1024x1024" or "*", got ${JSON.stringify(size)}`, keyPath(q, size));
          out.prices[quality]![size] = price(usd, keyPath(q, size), 'USD per image');
        }
      }
    } else {
      fail(`unknown field "${field}" (allowed: defaultQuality, defaultSize, prices)`, p);
    }
  }
  if (Object.keys(out.prices).length === 0) fail('expected "prices" with at least one quality', path);
  return out;
}

/** Validates one model entry's fields (types and ranges); completeness is checked after merging. Throws EntryProblem. */
function parseEntryFields(key: string, raw: unknown, base: string, strict: boolean): PriceEntry {
  if (key.trim() === '') fail('model names must not be empty', base);
  const obj = object(raw, base, 'an object of prices');
  const entry: PriceEntry = {};
  const set = (field: keyof PriceEntry, value: unknown): void => {
    (entry as Record<string, unknown>)[field] = value;
  };
  for (const [field, value] of Object.entries(obj)) {
    const path = `${base}.${field}`;
    if (!KNOWN_FIELDS.has(field)) fail(`unknown field "${field}" (allowed: ${[...KNOWN_FIELDS].join(', ')})`, path);
    if (value === undefined) continue;
    if (value === null) {
      if (strict || !REMOVABLE_FIELDS.has(field)) fail(`"${field}" cannot be null`, path);
      set(field as keyof PriceEntry, null);
      continue;
    }
    switch (field) {
      case 'provider':
      case 'note':
        if (typeof value !== 'string' || (field === 'provider' && value.trim() === '')) fail(`expected a${field === 'provider' ? ' non-empty' : ''} string, got ${describe(value)}`, path);
        set(field, value);
        break;
      case 'mode':
        if (typeof value !== 'string' || !MODES.has(value)) fail(`expected one of ${[...MODES].join(', ')}, got ${describe(value)}`, path);
        set(field, value);
        break;
      case 'cacheWriteByTtl':
        set(field, ttlPrices(value, path));
        break;
      case 'longContext':
        set(field, longContext(value, path));
        break;
      case 'serviceTiers':
        set(field, serviceTiers(value, path));
        break;
      case 'images':
        set(field, images(value, path));
        break;
      case 'perAudioMinute':
        set(field, price(value, path, 'USD per minute'));
        break;
      case 'perMillionCharacters':
        set(field, price(value, path, 'USD per 1M characters'));
        break;
      case 'source':
        if (typeof value !== 'string' || value.trim() === '') fail(`expected a non-empty string, got ${describe(value)}`, path);
        if (strict && !URL_LIKE.test(value as string)) fail(`expected the URL of the provider's price page, got ${describe(value)}`, path);
        set(field, value);
        break;
      case 'date':
        if (typeof value !== 'string' || !isValidDate(value)) fail(`expected a date YYYY-MM-DD, got ${describe(value)}`, path);
        set(field, value);
        break;
      case 'aliases': {
        if (!Array.isArray(value)) fail(`expected an array of model names, got ${describe(value)}`, path);
        (value as unknown[]).forEach((alias, i) => {
          if (typeof alias !== 'string' || alias.trim() === '') fail(`expected a non-empty string, got ${describe(alias)}`, `${path}[${i}]`);
        });
        set(field, value);
        break;
      }
      default:
        set(field as keyof PriceEntry, price(value, path));
    }
  }
  return entry;
}

/** Names an invalid entry meant, as far as they can be read: its key and any string aliases. */
function namesOf(raw: unknown): string[] {
  if (!isPlainObject(raw) || !Array.isArray(raw.aliases)) return [];
  return raw.aliases.filter((a): a is string => typeof a === 'string' && a.trim() !== '');
}

/** Parses one entry; an invalid one is reported and recorded in `doc.invalid` (its names become unpriced). */
export function addEntry(doc: PriceDocument, key: string, raw: unknown, opts: ParseOptions, report: ProblemReporter): void {
  const base = keyPath(opts.modelsPath, key);
  try {
    doc.models.set(key, parseEntryFields(key, raw, base, opts.strict));
  } catch (err) {
    if (!(err instanceof EntryProblem)) throw err;
    doc.invalid.set(key, namesOf(raw));
    report(new PricingFileError(opts.origin, err.problem, key, err.path, `entry skipped: "${key}" is unpriced`));
  }
}

/**
 * Validates a document in our format: `{ "models": {...}, "deployments": {...}, "serviceTierAliases": {...} }`
 * (keys starting with `$` are comments).
 */
export function parseDocument(raw: unknown, origin: string, strict: boolean, report: ProblemReporter): PriceDocument {
  const doc = emptyDocument();
  if (!isPlainObject(raw)) {
    report(new PricingFileError(origin, `expected an object with "models", "deployments" and/or "serviceTierAliases", got ${describe(raw)}`, undefined, '$', 'file skipped'));
    return doc;
  }
  for (const [field, value] of Object.entries(raw)) {
    if (field.startsWith('$')) continue;
    if (field === 'models') {
      if (!isPlainObject(value)) {
        report(new PricingFileError(origin, `expected an object of models, got ${describe(value)}`, undefined, '$.models', 'no model of this file applies'));
        continue;
      }
      for (const [key, entry] of Object.entries(value)) addEntry(doc, key, entry, { origin, modelsPath: '$.models', strict }, report);
    } else if (field === 'deployments') {
      doc.deployments = parseDeployments(value, origin, '$.deployments', report, doc.invalid);
    } else if (field === 'serviceTierAliases') {
      doc.serviceTierAliases = parseTierAliases(value, origin, report);
    } else {
      report(new PricingFileError(origin, `unknown top-level field "${field}" (allowed: models, deployments, serviceTierAliases)`, undefined, `$.${field}`, 'field ignored'));
    }
  }
  return doc;
}

/** Deployment name -> catalog model; an invalid one is reported and its name recorded in `invalid`. */
export function parseDeployments(value: unknown, origin: string, path: string, report: ProblemReporter, invalid: Map<string, string[]>): Map<string, string> {
  const out = new Map<string, string>();
  if (!isPlainObject(value)) {
    report(new PricingFileError(origin, `expected an object mapping deployment names to catalog models, got ${describe(value)}`, undefined, path, 'no deployment of this file applies'));
    return out;
  }
  for (const [name, target] of Object.entries(value)) {
    if (name.trim() === '' || typeof target !== 'string' || target.trim() === '') {
      invalid.set(name, []);
      report(new PricingFileError(origin, `expected a non-empty model name, got ${describe(target)}`, name, keyPath(path, name), `deployment skipped: "${name}" is unpriced`));
      continue;
    }
    out.set(name, target);
  }
  return out;
}

function parseTierAliases(value: unknown, origin: string, report: ProblemReporter): Map<string, string> {
  const out = new Map<string, string>();
  const path = '$.serviceTierAliases';
  if (!isPlainObject(value)) {
    report(new PricingFileError(origin, `expected an object mapping reported service tiers to catalog tiers, got ${describe(value)}`, undefined, path, 'field ignored'));
    return out;
  }
  for (const [name, target] of Object.entries(value)) {
    if (typeof target !== 'string' || !TIER_NAME.test(target) || !TIER_NAME.test(name.toLowerCase())) {
      report(new PricingFileError(origin, `expected a lowercase tier name such as "standard" or "priority", got ${describe(target)}`, name, keyPath(path, name), 'alias ignored'));
      continue;
    }
    out.set(name.toLowerCase(), target);
  }
  return out;
}

/** Checks a merged entry is complete and self-consistent; returns the problem (and its JSON path suffix) or undefined. */
export function completenessProblem(entry: PriceEntry): { problem: string; at: string } | undefined {
  for (const field of ['provider', 'source', 'date'] as const) {
    if (entry[field] === undefined || entry[field] === null) return { problem: `missing required field "${field}"`, at: '' };
  }
  const hasTokens = entry.input != null || entry.output != null;
  const hasUnits = entry.images != null || entry.perAudioMinute != null || entry.perMillionCharacters != null;
  if (hasTokens || !hasUnits) {
    for (const field of ['input', 'output'] as const) {
      if (entry[field] == null) return { problem: `missing required field "${field}"${hasUnits ? '' : ' (or a per-unit price: images, perAudioMinute, perMillionCharacters)'}`, at: '' };
    }
  }
  const base = entry as Rates;
  const lacking = (tier: Rates): string | undefined => {
    for (const f of OPTIONAL_RATE_FIELDS) if (base[f] != null && tier[f] === undefined) return f;
    for (const ttl of Object.keys(base.cacheWriteByTtl ?? {})) if (tier.cacheWriteByTtl?.[ttl] === undefined) return `cacheWriteByTtl["${ttl}"]`;
    return undefined;
  };
  // A tier that leaves out a rate the base has would bill those tokens at its input rate: say so instead.
  for (const [i, tier] of (entry.longContext ?? []).entries()) {
    const f = lacking(tier);
    if (f) return { problem: `long-context tier above ${tier.above} lacks "${f}", which the base rates have`, at: `.longContext[${i}]` };
  }
  for (const [name, tier] of Object.entries(entry.serviceTiers ?? {})) {
    if (typeof tier === 'number') continue;
    if (!hasTokens) return { problem: `service tier "${name}" has token rates but the model has none`, at: `.serviceTiers["${name}"]` };
    const f = lacking(tier);
    if (f) return { problem: `service tier "${name}" lacks "${f}", which the base rates have`, at: `.serviceTiers["${name}"]` };
    if (entry.longContext && !tier.longContext) return { problem: `service tier "${name}" has its own rates but no "longContext", while the model has long-context rates (use a multiplier, or give both)`, at: `.serviceTiers["${name}"]` };
  }
  return undefined;
}
