// Compares the bundled catalog with a price file (ours or LiteLLM's): which names the file prices
// differently, which it adds, which bundled models it lacks. Feeds `genai-meter-price diff`.
import { PriceCatalog, readDocument } from './catalog.js';
import { RATE_FIELDS, type PricingFileError, type PriceEntry } from './schema.js';
import type { ModelPrice } from './types.js';

export interface FieldDifference {
  /** `input`, `longContext>200000.output`, `serviceTiers.flex`, `images.hd.1024x1792`, ... */
  field: string;
  bundled: number | undefined;
  file: number | undefined;
}

export interface CatalogDiff {
  file: string;
  format: 'genai-meter' | 'litellm';
  /** Names the file prices differently from the bundled model they resolve to. */
  changed: { name: string; key: string; differences: FieldDifference[] }[];
  /** Names the file prices that the bundled catalog does not know. */
  added: string[];
  /** Bundled models no name of the file resolves to. */
  missing: string[];
  /** Names that resolve to a bundled model but are priced for another provider (azure/..., bedrock/...): not compared. */
  otherProvider: string[];
  /** What in the file could not be read (its names are left out above). */
  problems: string[];
}

const UNIT_FIELDS = ['perAudioMinute', 'perMillionCharacters'] as const;

function differs(a: number | undefined, b: number | undefined): boolean {
  if (a === undefined || b === undefined) return a !== b;
  return Math.abs(a - b) > 1e-9 * Math.max(Math.abs(a), Math.abs(b), 1e-9);
}

type RateSet = Partial<Record<(typeof RATE_FIELDS)[number], number>> & { cacheWriteByTtl?: Readonly<Record<string, number>> | null };

/** Compares the fields the file gives (a file that lists no cache price says nothing about it). */
function compareRates(prefix: string, bundled: RateSet | undefined, file: RateSet, out: FieldDifference[]): void {
  for (const field of RATE_FIELDS) {
    const f = file[field];
    if (typeof f !== 'number') continue;
    const b = bundled?.[field];
    if (differs(b, f)) out.push({ field: prefix + field, bundled: b, file: f });
  }
  for (const [ttl, f] of Object.entries(file.cacheWriteByTtl ?? {})) {
    const b = bundled?.cacheWriteByTtl?.[ttl];
    if (differs(b, f)) out.push({ field: `${prefix}cacheWriteByTtl.${ttl}`, bundled: b, file: f });
  }
}

function compare(bundled: ModelPrice, file: PriceEntry): FieldDifference[] {
  const out: FieldDifference[] = [];
  compareRates('', bundled, file as RateSet, out);
  for (const field of UNIT_FIELDS) {
    const f = file[field];
    if (typeof f === 'number' && differs(bundled[field], f)) out.push({ field, bundled: bundled[field], file: f });
  }
  for (const tier of file.longContext ?? []) {
    const b = bundled.longContext?.find((t) => t.above === tier.above);
    compareRates(`longContext>${tier.above}.`, b, tier, out);
  }
  for (const [name, tier] of Object.entries(file.serviceTiers ?? {})) {
    const b = bundled.serviceTiers?.[name];
    if (typeof tier === 'number') {
      if (typeof b !== 'number' || differs(b, tier)) out.push({ field: `serviceTiers.${name}`, bundled: typeof b === 'number' ? b : undefined, file: tier });
    } else {
      // Compare explicit rates with the bundled tier's effective rates.
      const effective: RateSet | undefined = typeof b === 'number' ? Object.fromEntries(RATE_FIELDS.filter((f) => bundled[f] !== undefined).map((f) => [f, bundled[f]! * b])) : b;
      compareRates(`serviceTiers.${name}.`, effective, tier, out);
    }
  }
  for (const [quality, sizes] of Object.entries(file.images?.prices ?? {})) {
    for (const [size, usd] of Object.entries(sizes)) {
      const b = bundled.images?.prices[quality]?.[size];
      if (differs(b, usd)) out.push({ field: `images.${quality}.${size}`, bundled: b, file: usd });
    }
  }
  return out;
}

/** Compares the bundled catalog with `file`. Problems in the file are listed, not thrown. */
export function diffCatalog(file: string): CatalogDiff {
  const catalog = PriceCatalog.bundled();
  const problems: PricingFileError[] = [];
  const { doc, format } = readDocument(file, (p) => problems.push(p));
  const result: CatalogDiff = { file, format, changed: [], added: [], missing: [], otherProvider: [], problems: problems.map((p) => p.message) };
  const seen = new Set<string>();
  for (const [name, entry] of doc.models) {
    const resolved = catalog.resolve(name);
    if (!resolved) {
      result.added.push(name);
      continue;
    }
    if (entry.provider && entry.provider !== resolved.price.provider) {
      result.otherProvider.push(name);
      continue;
    }
    seen.add(resolved.key);
    const differences = compare(resolved.price, entry);
    if (differences.length > 0) result.changed.push({ name, key: resolved.key, differences });
  }
  result.missing = catalog.models().filter((key) => !seen.has(key));
  result.changed.sort((a, b) => a.name.localeCompare(b.name));
  result.added.sort();
  result.otherProvider.sort();
  return result;
}
