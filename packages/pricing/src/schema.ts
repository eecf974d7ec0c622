// Hand-written validation of price documents (the bundled catalog, user files, programmatic
// overrides). Errors name the file, the JSON path and the offending model so a bad file fails
// loudly at start instead of pricing calls wrongly.
import type { ModelPrice } from './types.js';

/** An invalid pricing file or override: `path` is the file (or `<bundled>` / `<overrides>`), `entry` the model. */
export class PricingFileError extends Error {
  readonly path: string;
  readonly entry?: string;
  /** JSON path of the offending value, e.g. `$.models["gpt-4o"].input`. */
  readonly jsonPath?: string;

  constructor(path: string, problem: string, entry?: string, jsonPath?: string) {
    const where = jsonPath ? ` at ${jsonPath}` : '';
    const which = entry !== undefined ? ` (model "${entry}")` : '';
    super(`invalid pricing file ${path}${where}${which}: ${problem}`);
    this.name = 'PricingFileError';
    this.path = path;
    if (entry !== undefined) this.entry = entry;
    if (jsonPath !== undefined) this.jsonPath = jsonPath;
  }
}

/** A model entry as written in a document: every field optional until merged. */
export type PriceEntry = { [K in keyof ModelPrice]?: ModelPrice[K] | null };

export interface PriceDocument {
  models: Map<string, PriceEntry>;
  deployments: Map<string, string>;
}

const PRICE_FIELDS = ['input', 'cachedInput', 'cacheWrite', 'output', 'reasoningOutput'] as const;
/** Fields a later document may remove with `null`. */
export const REMOVABLE_FIELDS: ReadonlySet<string> = new Set(['cachedInput', 'cacheWrite', 'reasoningOutput', 'note']);
const KNOWN_FIELDS = new Set<string>(['provider', ...PRICE_FIELDS, 'source', 'date', 'note', 'aliases']);
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const URL_LIKE = /^https?:\/\/\S+$/;

export function keyPath(base: string, key: string): string {
  return `${base}[${JSON.stringify(key)}]`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
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

/** Validates one model entry's fields (types and ranges); completeness is checked after merging. */
export function parseEntry(key: string, raw: unknown, opts: ParseOptions): PriceEntry {
  const base = keyPath(opts.modelsPath, key);
  const fail = (problem: string, path = base): never => {
    throw new PricingFileError(opts.origin, problem, key, path);
  };
  if (key.trim() === '') fail('model names must not be empty');
  if (!isPlainObject(raw)) fail(`expected an object of prices, got ${describe(raw)}`);
  const obj = raw as Record<string, unknown>;
  const entry: PriceEntry = {};
  for (const [field, value] of Object.entries(obj)) {
    const path = `${base}.${field}`;
    if (!KNOWN_FIELDS.has(field)) {
      fail(`unknown field "${field}" (allowed: ${[...KNOWN_FIELDS].join(', ')})`, path);
    }
    if (value === undefined) continue;
    if (value === null) {
      if (opts.strict || !REMOVABLE_FIELDS.has(field)) fail(`"${field}" cannot be null`, path);
      (entry as Record<string, unknown>)[field] = null;
      continue;
    }
    switch (field) {
      case 'provider':
        if (typeof value !== 'string' || value.trim() === '') fail(`expected a non-empty string, got ${describe(value)}`, path);
        entry.provider = value as string;
        break;
      case 'input':
      case 'cachedInput':
      case 'cacheWrite':
      case 'output':
      case 'reasoningOutput':
        if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
          fail(`expected a non-negative number of USD per 1M tokens, got ${describe(value)}`, path);
        }
        entry[field] = value as number;
        break;
      case 'source':
        if (typeof value !== 'string' || value.trim() === '') fail(`expected a non-empty string, got ${describe(value)}`, path);
        if (opts.strict && !URL_LIKE.test(value as string)) fail(`expected the URL of the provider's price page, got ${describe(value)}`, path);
        entry.source = value as string;
        break;
      case 'date':
        if (typeof value !== 'string' || !isValidDate(value)) fail(`expected a date YYYY-MM-DD, got ${describe(value)}`, path);
        entry.date = value as string;
        break;
      case 'note':
        if (typeof value !== 'string') fail(`expected a string, got ${describe(value)}`, path);
        entry.note = value as string;
        break;
      case 'aliases': {
        if (!Array.isArray(value)) fail(`expected an array of model names, got ${describe(value)}`, path);
        const aliases = value as unknown[];
        aliases.forEach((alias, i) => {
          if (typeof alias !== 'string' || alias.trim() === '') fail(`expected a non-empty string, got ${describe(alias)}`, `${path}[${i}]`);
        });
        entry.aliases = aliases as string[];
        break;
      }
    }
  }
  return entry;
}

/** Validates a whole document: `{ "models": {...}, "deployments": {...} }` (keys starting with `$` are comments). */
export function parseDocument(raw: unknown, origin: string, strict: boolean): PriceDocument {
  if (!isPlainObject(raw)) {
    throw new PricingFileError(origin, `expected an object with "models" and/or "deployments", got ${describe(raw)}`, undefined, '$');
  }
  const doc: PriceDocument = { models: new Map(), deployments: new Map() };
  for (const [field, value] of Object.entries(raw)) {
    if (field.startsWith('$')) continue;
    if (field === 'models') {
      if (!isPlainObject(value)) throw new PricingFileError(origin, `expected an object of models, got ${describe(value)}`, undefined, '$.models');
      for (const [key, entry] of Object.entries(value)) {
        doc.models.set(key, parseEntry(key, entry, { origin, modelsPath: '$.models', strict }));
      }
    } else if (field === 'deployments') {
      doc.deployments = parseDeployments(value, origin, '$.deployments');
    } else {
      throw new PricingFileError(origin, `unknown top-level field "${field}" (allowed: models, deployments)`, undefined, `$.${field}`);
    }
  }
  return doc;
}

export function parseDeployments(value: unknown, origin: string, path: string): Map<string, string> {
  if (!isPlainObject(value)) {
    throw new PricingFileError(origin, `expected an object mapping deployment names to catalog models, got ${describe(value)}`, undefined, path);
  }
  const out = new Map<string, string>();
  for (const [name, target] of Object.entries(value)) {
    if (name.trim() === '' || typeof target !== 'string' || target.trim() === '') {
      throw new PricingFileError(origin, `expected a non-empty model name, got ${describe(target)}`, name, keyPath(path, name));
    }
    out.set(name, target);
  }
  return out;
}

/** Fields every merged model must have; source and date may be filled in for user models (see catalog.ts). */
export const REQUIRED_FIELDS = ['provider', 'input', 'output', 'source', 'date'] as const;
