// The price catalog: bundled prices, merged with a user file (ours or LiteLLM's) and programmatic
// overrides, plus a bounded cache of resolved names for the per-call hot path.
import bundled from './data/prices.json' with { type: 'json' };
import { computeCost, isUnpriced } from './cost.js';
import { deriveTierRates, isLiteLLMDocument, parseLiteLLMDocument } from './litellm.js';
import { readPricingFile } from './read-file.js';
import { resolveName } from './resolve.js';
import {
  PricingFileError,
  REMOVABLE_FIELDS,
  addEntry,
  completenessProblem,
  emptyDocument,
  keyPath,
  parseDeployments,
  parseDocument,
  type PriceDocument,
  type PriceEntry,
  type ProblemReporter,
} from './schema.js';
import type { CallCost, CallUsage, CostBreakdown, CostOptions, ModelPrice, PriceCatalogOptions, ResolvedModel } from './types.js';

/** Names resolved (or not) are remembered up to this many; beyond it new names are resolved every time. */
export const RESOLVE_CACHE_LIMIT = 10_000;
export const BUNDLED_ORIGIN = '<bundled>/prices.json';
export const OVERRIDES_ORIGIN = '<overrides>';

export interface LoadOptions {
  /**
   * Tolerant loading: each problem goes here and loading goes on. An unreadable or unparseable file
   * is skipped (the bundled catalog applies); an invalid entry is skipped and the names it meant
   * are unpriced; valid entries apply. Without it, the first problem is thrown (strict).
   */
  onProblem?: (problem: PricingFileError) => void;
}

interface Draft {
  key: string;
  entry: PriceEntry;
  /** Where the model was last changed, for errors. */
  origin: string;
  path: string;
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Drafts by lowercase key, with every lowercase name (key or alias) -> draft, kept up to date as documents merge. */
class Merger {
  readonly drafts = new Map<string, Draft>();
  readonly #names = new Map<string, Draft>();
  /** Lowercase names an invalid entry meant: unpriced unless a later document defines them. */
  readonly blocked = new Set<string>();

  constructor(private readonly report: ProblemReporter) {}

  #index(draft: Draft): void {
    this.#names.set(draft.key.toLowerCase(), draft);
    for (const alias of draft.entry.aliases ?? []) if (!this.#names.has(alias.toLowerCase())) this.#names.set(alias.toLowerCase(), draft);
  }

  #drop(draft: Draft): void {
    this.drafts.delete(draft.key.toLowerCase());
    for (const [name, d] of this.#names) {
      if (d === draft) {
        this.#names.delete(name);
        this.blocked.add(name);
      }
    }
  }

  merge(doc: PriceDocument, origin: string, modelsPath: string, fillDefaults: boolean): void {
    // A skipped entry must not leave the model at another layer's price: drop it whole.
    for (const [name, aliases] of doc.invalid) {
      for (const n of [name, ...aliases]) {
        const draft = this.#names.get(n.toLowerCase());
        if (draft) this.#drop(draft);
        this.blocked.add(n.toLowerCase());
      }
    }
    for (const [key, entry] of doc.models) {
      const path = keyPath(modelsPath, key);
      const existing = this.#names.get(key.toLowerCase());
      if (!existing) {
        const fresh: PriceEntry = { ...entry };
        if (doc.deriveTierRates) deriveTierRates(fresh);
        if (fillDefaults) {
          // User-added models: a negotiated price has no public page; say where it came from.
          fresh.source ??= origin;
          fresh.date ??= today();
        }
        const draft = { key, entry: fresh, origin, path };
        this.drafts.set(key.toLowerCase(), draft);
        this.#index(draft);
        for (const n of [key, ...(entry.aliases ?? [])]) this.blocked.delete(n.toLowerCase());
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
      if (doc.deriveTierRates) deriveTierRates(merged);
      existing.entry = merged;
      existing.origin = origin;
      existing.path = path;
      this.#index(existing);
    }
  }

  /** Checks completeness and alias collisions (reporting and dropping what fails); returns the frozen catalog and its name index. */
  finish(): { models: Map<string, ResolvedModel>; index: Map<string, ResolvedModel> } {
    const models = new Map<string, ResolvedModel>();
    const index = new Map<string, ResolvedModel>();
    const owner = new Map<string, Draft>();
    for (const draft of [...this.drafts.values()]) {
      const incomplete = completenessProblem(draft.entry);
      if (incomplete) {
        this.report(new PricingFileError(draft.origin, incomplete.problem, draft.key, draft.path + incomplete.at, `entry skipped: "${draft.key}" is unpriced`));
        this.#drop(draft);
        continue;
      }
      owner.set(draft.key.toLowerCase(), draft);
    }
    for (const draft of this.drafts.values()) {
      for (const alias of draft.entry.aliases ?? []) {
        const other = owner.get(alias.toLowerCase());
        if (other && other !== draft) {
          this.report(new PricingFileError(draft.origin, `alias "${alias}" is already the name or an alias of model "${other.key}"`, draft.key, `${draft.path}.aliases`, 'alias ignored'));
          draft.entry.aliases = draft.entry.aliases!.filter((a) => a !== alias);
          continue;
        }
        owner.set(alias.toLowerCase(), draft);
      }
    }
    for (const draft of this.drafts.values()) {
      const entry = draft.entry;
      const price = deepFreeze({ ...entry }) as ModelPrice;
      const resolved: ResolvedModel = Object.freeze({ key: draft.key, price });
      models.set(draft.key, resolved);
      index.set(draft.key.toLowerCase(), resolved);
      for (const alias of entry.aliases ?? []) index.set(alias.toLowerCase(), resolved);
    }
    for (const name of this.blocked) index.delete(name);
    return { models, index };
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Reads a user file in our format or LiteLLM's (detected); an unreadable one is reported and yields nothing. */
export function readDocument(file: string, report: ProblemReporter): { doc: PriceDocument; modelsPath: string; format: 'genai-meter' | 'litellm' } {
  let raw: unknown;
  try {
    raw = readPricingFile(file);
  } catch (err) {
    report(new PricingFileError(file, (err as Error).message, undefined, undefined, 'file skipped: the bundled catalog applies without it'));
    return { doc: emptyDocument(), modelsPath: '$.models', format: 'genai-meter' };
  }
  if (isLiteLLMDocument(raw)) return { doc: parseLiteLLMDocument(raw, file, report), modelsPath: '$', format: 'litellm' };
  return { doc: parseDocument(raw, file, false, report), modelsPath: '$.models', format: 'genai-meter' };
}

export class PriceCatalog {
  readonly #models: Map<string, ResolvedModel>;
  readonly #index: Map<string, ResolvedModel>;
  readonly #tierAliases: ReadonlyMap<string, string>;
  /** raw name -> resolution (null = unknown); bounded by RESOLVE_CACHE_LIMIT. */
  readonly #cache = new Map<string, ResolvedModel | null>();
  /** What tolerant loading skipped (empty for a strict load, which throws instead). */
  readonly problems: readonly PricingFileError[];

  // Protected, not private: tests elsewhere subclass the catalog to inject failures.
  protected constructor(models: Map<string, ResolvedModel>, index: Map<string, ResolvedModel>, tierAliases: ReadonlyMap<string, string>, problems: readonly PricingFileError[]) {
    this.#models = models;
    this.#index = index;
    this.#tierAliases = tierAliases;
    this.problems = problems;
  }

  /**
   * Bundled catalog, then the user file (our format or LiteLLM's), then programmatic overrides
   * (later wins, field by field). Strict by default: throws the first PricingFileError. With
   * `onProblem`, tolerant: see LoadOptions.
   */
  static load(options: PriceCatalogOptions = {}, loadOptions: LoadOptions = {}): PriceCatalog {
    return PriceCatalog.#load(options, loadOptions, options.file ?? (process.env.GENAI_METER_PRICING_FILE || undefined));
  }

  /** The bundled catalog alone, whatever GENAI_METER_PRICING_FILE says. */
  static bundled(): PriceCatalog {
    return PriceCatalog.#load({}, {}, undefined);
  }

  static #load(options: PriceCatalogOptions, loadOptions: LoadOptions, file: string | undefined): PriceCatalog {
    const problems: PricingFileError[] = [];
    const onProblem = loadOptions.onProblem;
    // Strict loading throws the problem as it is: nothing was skipped, so no consequence is told.
    const strictReport: ProblemReporter = (p) => {
      throw new PricingFileError(p.path, p.problem, p.entry, p.jsonPath);
    };
    const report: ProblemReporter = (problem) => {
      if (!onProblem) strictReport(problem);
      problems.push(problem);
      onProblem!(problem);
    };
    // The bundled catalog is ours and tested: any problem in it is a bug, never skipped.
    const merger = new Merger(report);
    merger.merge(parseDocument(bundled, BUNDLED_ORIGIN, true, strictReport), BUNDLED_ORIGIN, '$.models', false);

    const deployments: { name: string; target: string; origin: string; path: string }[] = [];
    const tierAliases = new Map<string, string>();
    if (file !== undefined) {
      const { doc, modelsPath } = readDocument(file, report);
      merger.merge(doc, file, modelsPath, true);
      for (const [name, target] of doc.deployments) deployments.push({ name, target, origin: file, path: keyPath('$.deployments', name) });
      for (const [name, target] of doc.serviceTierAliases) tierAliases.set(name, target);
    }
    if (options.overrides !== undefined) {
      const doc = emptyDocument();
      for (const [key, entry] of Object.entries(options.overrides)) addEntry(doc, key, entry, { origin: OVERRIDES_ORIGIN, modelsPath: '$.overrides', strict: false }, report);
      merger.merge(doc, OVERRIDES_ORIGIN, '$.overrides', true);
    }
    if (options.deployments !== undefined) {
      const invalid = new Map<string, string[]>();
      for (const [name, target] of parseDeployments(options.deployments, OVERRIDES_ORIGIN, '$.deployments', report, invalid)) {
        deployments.push({ name, target, origin: OVERRIDES_ORIGIN, path: keyPath('$.deployments', name) });
      }
      for (const name of invalid.keys()) merger.blocked.add(name.toLowerCase());
    }

    const { models, index } = merger.finish();
    // Deployment targets resolve against models only (not other deployments), so there are no chains.
    const modelIndex = new Map(index);
    for (const d of deployments) {
      const target = resolveName(d.target, modelIndex);
      if (!target) {
        index.delete(d.name.toLowerCase());
        report(new PricingFileError(d.origin, `deployment "${d.name}" maps to "${d.target}", which is not in the catalog`, d.name, d.path, `deployment skipped: "${d.name}" is unpriced`));
        continue;
      }
      index.set(d.name.toLowerCase(), target);
    }
    return new PriceCatalog(models, index, tierAliases, problems);
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

  /** Cost of one call; undefined for an unknown model or a tier/usage it has no price for (never a guess, never 0). */
  cost(model: string, usage: CallUsage, options?: CostOptions): CostBreakdown | undefined {
    return this.costFor([model], usage, options);
  }

  /** Cost for the first candidate name that resolves (instrumentation passes [responseModel, requestModel]). */
  costFor(models: readonly (string | undefined)[], usage: CallUsage, options?: CostOptions): CostBreakdown | undefined {
    const call = this.priceCall(models, usage, options);
    return call.priced ? call.breakdown : undefined;
  }

  /**
   * What the instrumentation records for one call: the provider's own figure when the response
   * carried one (`reportedUsd`, see readReportedCost), else the catalog's; or why there is none.
   */
  priceCall(models: readonly (string | undefined)[], usage: CallUsage, options?: CostOptions & { reportedUsd?: number | undefined }): CallCost {
    let resolved: ResolvedModel | undefined;
    for (const model of models) {
      if (model === undefined || model === '') continue;
      resolved = this.resolve(model);
      if (resolved) break;
    }
    const computed = resolved ? computeCost(resolved.key, resolved.price, usage, options, this.#tierAliases) : undefined;
    const breakdown = computed && !isUnpriced(computed) ? computed : undefined;
    const reported = options?.reportedUsd;
    if (typeof reported === 'number' && Number.isFinite(reported) && reported >= 0) {
      return { priced: true, source: 'provider', totalUsd: reported, breakdown };
    }
    if (breakdown) return { priced: true, source: 'catalog', totalUsd: breakdown.totalUsd, breakdown };
    if (computed && isUnpriced(computed)) return { priced: false, reason: computed.reason, detail: computed.detail };
    return { priced: false, reason: 'unknown_model', detail: models.find((m) => m) ?? '(none)' };
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
