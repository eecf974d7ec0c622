// The price catalog: bundled prices, merged with a user file and programmatic overrides, plus a
// bounded cache of resolved names for the per-call hot path.
import bundled from './data/prices.json' with { type: 'json' };
import { computeCost } from './cost.js';
import { readPricingFile } from './read-file.js';
import { resolveName } from './resolve.js';
import {
  PricingFileError,
  REMOVABLE_FIELDS,
  REQUIRED_FIELDS,
  keyPath,
  parseDeployments,
  parseDocument,
  parseEntry,
  type PriceEntry,
} from './schema.js';
import type { CostBreakdown, ModelPrice, PriceCatalogOptions, ResolvedModel, TokenUsage } from './types.js';

/** Names resolved (or not) are remembered up to this many; beyond it new names are resolved every time. */
export const RESOLVE_CACHE_LIMIT = 10_000;
export const BUNDLED_ORIGIN = '<bundled>/prices.json';
export const OVERRIDES_ORIGIN = '<overrides>';

interface Draft {
  key: string;
  entry: PriceEntry;
  /** Where the model was first defined, for errors. */
  origin: string;
  modelsPath: string;
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Drafts by lowercase key, plus lowercase alias -> lowercase key, rebuilt as documents merge. */
class Merger {
  readonly drafts = new Map<string, Draft>();

  #find(name: string): Draft | undefined {
    const lower = name.toLowerCase();
    const direct = this.drafts.get(lower);
    if (direct) return direct;
    for (const draft of this.drafts.values()) {
      if (draft.entry.aliases?.some((a) => a.toLowerCase() === lower)) return draft;
    }
    return undefined;
  }

  merge(models: Map<string, PriceEntry>, origin: string, modelsPath: string, fillDefaults: boolean): void {
    for (const [key, entry] of models) {
      const existing = this.#find(key);
      if (!existing) {
        const fresh: PriceEntry = { ...entry };
        if (fillDefaults) {
          // User-added models: a negotiated price has no public page; say where it came from.
          fresh.source ??= origin;
          fresh.date ??= today();
        }
        this.drafts.set(key.toLowerCase(), { key, entry: fresh, origin, modelsPath });
        continue;
      }
      // Later wins, field by field; aliases are added to the existing ones.
      const merged: PriceEntry = { ...existing.entry };
      for (const [field, value] of Object.entries(entry) as [keyof PriceEntry, unknown][]) {
        if (value === undefined) continue;
        if (value === null && REMOVABLE_FIELDS.has(field)) {
          delete merged[field];
        } else if (field === 'aliases') {
          merged.aliases = [...new Set([...(existing.entry.aliases ?? []), ...(value as string[])])];
        } else {
          (merged as Record<string, unknown>)[field] = value;
        }
      }
      existing.entry = merged;
    }
  }

  /** Checks completeness and alias collisions; returns the frozen catalog and its name index. */
  finish(): { models: Map<string, ResolvedModel>; index: Map<string, ResolvedModel> } {
    const models = new Map<string, ResolvedModel>();
    const index = new Map<string, ResolvedModel>();
    const owner = new Map<string, Draft>();
    for (const draft of this.drafts.values()) {
      const path = keyPath(draft.modelsPath, draft.key);
      for (const field of REQUIRED_FIELDS) {
        if (draft.entry[field] === undefined || draft.entry[field] === null) {
          throw new PricingFileError(draft.origin, `missing required field "${field}"`, draft.key, path);
        }
      }
      const price = Object.freeze({ ...draft.entry, ...(draft.entry.aliases ? { aliases: Object.freeze([...draft.entry.aliases]) } : {}) }) as ModelPrice;
      const resolved: ResolvedModel = Object.freeze({ key: draft.key, price });
      models.set(draft.key, resolved);
      index.set(draft.key.toLowerCase(), resolved);
      owner.set(draft.key.toLowerCase(), draft);
    }
    for (const draft of this.drafts.values()) {
      for (const alias of draft.entry.aliases ?? []) {
        const lower = alias.toLowerCase();
        const other = owner.get(lower);
        if (other && other !== draft) {
          throw new PricingFileError(draft.origin, `alias "${alias}" is already the name or an alias of model "${other.key}"`, draft.key, `${keyPath(draft.modelsPath, draft.key)}.aliases`);
        }
        owner.set(lower, draft);
        index.set(lower, models.get(draft.key)!);
      }
    }
    return { models, index };
  }
}

export class PriceCatalog {
  readonly #models: Map<string, ResolvedModel>;
  readonly #index: Map<string, ResolvedModel>;
  /** raw name -> resolution (null = unknown); bounded by RESOLVE_CACHE_LIMIT. */
  readonly #cache = new Map<string, ResolvedModel | null>();

  // Protected, not private: tests elsewhere subclass the catalog to inject failures.
  protected constructor(models: Map<string, ResolvedModel>, index: Map<string, ResolvedModel>) {
    this.#models = models;
    this.#index = index;
  }

  /** Bundled catalog, then the user file, then programmatic overrides (later wins, field by field). Throws PricingFileError. */
  static load(options: PriceCatalogOptions = {}): PriceCatalog {
    const merger = new Merger();
    merger.merge(parseDocument(bundled, BUNDLED_ORIGIN, true).models, BUNDLED_ORIGIN, '$.models', false);

    const deployments: { name: string; target: string; origin: string; path: string }[] = [];
    const file = options.file ?? (process.env.GENAI_METER_PRICING_FILE || undefined);
    if (file !== undefined) {
      const doc = parseDocument(readPricingFile(file), file, false);
      merger.merge(doc.models, file, '$.models', true);
      for (const [name, target] of doc.deployments) deployments.push({ name, target, origin: file, path: keyPath('$.deployments', name) });
    }
    if (options.overrides !== undefined) {
      const models = new Map<string, PriceEntry>();
      for (const [key, entry] of Object.entries(options.overrides)) {
        models.set(key, parseEntry(key, entry, { origin: OVERRIDES_ORIGIN, modelsPath: '$.overrides', strict: false }));
      }
      merger.merge(models, OVERRIDES_ORIGIN, '$.overrides', true);
    }
    if (options.deployments !== undefined) {
      for (const [name, target] of parseDeployments(options.deployments, OVERRIDES_ORIGIN, '$.deployments')) {
        deployments.push({ name, target, origin: OVERRIDES_ORIGIN, path: keyPath('$.deployments', name) });
      }
    }

    const { models, index } = merger.finish();
    // Deployment targets resolve against models only (not other deployments), so there are no chains.
    const modelIndex = new Map(index);
    for (const d of deployments) {
      const target = resolveName(d.target, modelIndex);
      if (!target) throw new PricingFileError(d.origin, `deployment "${d.name}" maps to "${d.target}", which is not in the catalog`, d.name, d.path);
      index.set(d.name.toLowerCase(), target);
    }
    return new PriceCatalog(models, index);
  }

  /** The catalog key and prices for a model name as sent or returned by an API; undefined when unknown. */
  resolve(model: string): ResolvedModel | undefined {
    if (typeof model !== 'string' || model === '') return undefined;
    const cached = this.#cache.get(model);
    if (cached !== undefined) return cached ?? undefined;
    const resolved = resolveName(model, this.#index) ?? null;
    if (this.#cache.size < RESOLVE_CACHE_LIMIT) this.#cache.set(model, resolved);
    return resolved ?? undefined;
  }

  /** Cost of one call; undefined for an unknown model (never a guess, never 0). */
  cost(model: string, usage: TokenUsage): CostBreakdown | undefined {
    const resolved = this.resolve(model);
    return resolved ? computeCost(resolved.key, resolved.price, usage) : undefined;
  }

  /** Cost for the first candidate name that resolves (instrumentation passes [responseModel, requestModel]). */
  costFor(models: readonly (string | undefined)[], usage: TokenUsage): CostBreakdown | undefined {
    for (const model of models) {
      if (model === undefined || model === '') continue;
      const resolved = this.resolve(model);
      if (resolved) return computeCost(resolved.key, resolved.price, usage);
    }
    return undefined;
  }

  /** How many distinct raw names are remembered (diagnostics; never more than RESOLVE_CACHE_LIMIT). */
  get cachedNames(): number {
    return this.#cache.size;
  }

  /** Catalog keys, sorted. */
  models(): string[] {
    return [...this.#models.keys()].sort();
  }
}
