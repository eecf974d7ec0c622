// Per-feature / per-tenant attribution: low-cardinality attributes set by the app's own code for a scope
// of work (withAttributes), and an operator-chosen allow-list of W3C baggage keys. Both end up on every
// genai-meter point recorded inside the scope, through the instrumentation's `extraAttributes` hook.
//
// Every distinct value is a new time series in every instrument: never put user ids, prompts, request ids
// or free text here. Values are cut to a maximum length and the number of keys per point is capped, and
// the SDK's per-instrument cardinality limit is the last line of defence (overflow series).
import { AsyncLocalStorage } from 'node:async_hooks';
import { context, propagation, type Attributes, type AttributeValue } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_GENAI_METER_RATE_LIMIT_TYPE,
  ATTR_GENAI_METER_TOKEN_DETAIL,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
} from '@genai-meter/instrumentation-openai';
import { markInterned } from '@genai-meter/instrumentation-core';
import { DEFAULTS } from './config.js';
import { log } from './log.js';

/** A plain attribute value: string, number or boolean (arrays are not accepted as label values). */
export type ScopeAttributeValue = string | number | boolean;
export type ScopeAttributes = Readonly<Record<string, ScopeAttributeValue>>;

// One store per process even when both the CommonJS and the ESM build of this package are loaded
// (register.cjs under --require, `import { withAttributes }` in an ESM app).
const STORE_KEY = Symbol.for('genai-meter.node.attribution.v1');
type Holder = { [STORE_KEY]?: AsyncLocalStorage<ScopeAttributes> };
const holder = globalThis as Holder;
const store: AsyncLocalStorage<ScopeAttributes> = (holder[STORE_KEY] ??= new AsyncLocalStorage<ScopeAttributes>());

/** Keys the instrumentation sets itself: a scope attribute must not overwrite them. */
const RESERVED_PREFIXES = ['gen_ai.', 'server.', 'otel.'];
const RESERVED_KEYS = new Set<string>([ATTR_ERROR_TYPE, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_GENAI_METER_TOKEN_DETAIL, ATTR_GENAI_METER_RATE_LIMIT_TYPE]);

export function isReservedAttribute(key: string): boolean {
  return RESERVED_KEYS.has(key) || RESERVED_PREFIXES.some((p) => key.startsWith(p));
}

/**
 * Runs `fn` with `attributes` added to every genai-meter metric point recorded inside it (including
 * in callbacks and awaits that continue from it). Nested scopes merge; the inner value wins.
 *
 *   await withAttributes({ 'genai_meter.feature': 'search' }, () => handleSearch(req));
 */
export function withAttributes<R>(attributes: ScopeAttributes, fn: () => R): R {
  const outer = store.getStore();
  return store.run(outer ? { ...outer, ...attributes } : { ...attributes }, fn);
}

/** The attributes set by the enclosing withAttributes scopes (empty outside any). */
export function getAttributes(): ScopeAttributes {
  return store.getStore() ?? {};
}

export interface AttributeSourceOptions {
  baggageAttributes?: readonly string[];
  attributeValueMaxLength?: number;
  maxContextAttributes?: number;
}

function clean(value: unknown, maxLength: number): AttributeValue | undefined {
  if (typeof value === 'string') return value.length > maxLength ? value.slice(0, maxLength) : value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'boolean') return value;
  return undefined;
}

/**
 * The `extraAttributes` function for OpenAIInstrumentation: scope attributes, then allow-listed baggage
 * entries (read from the active OTel context, so only where an OTel context manager and propagator run),
 * sanitised. Returns undefined when there is nothing to add, which is the fast path.
 */
export function createAttributeSource(options: AttributeSourceOptions = {}): () => Attributes | undefined {
  const baggageKeys = [...(options.baggageAttributes ?? [])].filter((k) => {
    if (!isReservedAttribute(k)) return true;
    log.warn(`baggage key '${k}' is reserved for the instrumentation's own attributes and is not copied`);
    return false;
  });
  const maxLength = options.attributeValueMaxLength ?? DEFAULTS.attributeValueMaxLength;
  const maxCount = options.maxContextAttributes ?? DEFAULTS.maxContextAttributes;
  const warned = new Set<string>();
  const warnOnce = (key: string, message: string): void => {
    if (warned.size > 100 || warned.has(key)) return;
    warned.add(key);
    log.warn(message);
  };
  // Each distinct set (scope attributes, then allow-listed baggage entries) is sanitised once and handed out
  // as one frozen object, marked as interned so that the instrumentation binds its recordings once. Sets are
  // found through a trie keyed by each entry's key and value (strings and numbers that already exist, so a
  // lookup hashes nothing new and allocates nothing): a scope object is new per request, its content repeats.
  const scopes = new Trie<Attributes | null>();
  const withBaggage = new Map<Attributes | null, Trie<Attributes | null>>();
  const sanitise = (scope: ScopeAttributes): Attributes | null => {
    const out: Attributes = {};
    let count = 0;
    for (const [key, raw] of Object.entries(scope)) {
      if (isReservedAttribute(key)) {
        warnOnce(`reserved:${key}`, `withAttributes: '${key}' is reserved for the instrumentation's own attributes; ignored`);
        continue;
      }
      const value = clean(raw, maxLength);
      if (value === undefined) continue;
      if (count >= maxCount) {
        warnOnce(`count:${key}`, `withAttributes: more than ${maxCount} attributes (GENAI_METER_MAX_CONTEXT_ATTRIBUTES); '${key}' dropped`);
        continue;
      }
      out[key] = value;
      count++;
    }
    return count > 0 ? markInterned(out) : null;
  };
  const fromScope = (scope: ScopeAttributes): Attributes | null => {
    let node = scopes.root;
    for (const k in scope) node = node.child(k, scope[k]);
    if (node.value === undefined) node.value = sanitise(scope);
    return node.value;
  };
  /** The scope's set plus the baggage entries present (in allow-list order), one object per distinct result. */
  let lastOut: Attributes | null = null;
  const lastEntries: (string | undefined)[] = [];
  let lastResult: Attributes | null | undefined;
  const addBaggage = (out: Attributes | null, entries: readonly (string | undefined)[]): Attributes | null => {
    // Calls of one request see the same baggage: the last result is checked first.
    if (lastResult !== undefined && out === lastOut && sameEntries(entries, lastEntries)) return lastResult;
    lastOut = out;
    for (let i = 0; i < entries.length; i++) lastEntries[i] = entries[i];
    lastResult = baggageSet(out, entries);
    return lastResult;
  };
  const baggageSet = (out: Attributes | null, entries: readonly (string | undefined)[]): Attributes | null => {
    let trie = withBaggage.get(out);
    if (!trie) withBaggage.set(out, (trie = new Trie()));
    let node = trie.root;
    for (let i = 0; i < baggageKeys.length; i++) node = node.child(baggageKeys[i]!, entries[i]);
    if (node.value === undefined) {
      const merged: Attributes = { ...out };
      let count = out ? Object.keys(out).length : 0;
      for (let i = 0; i < baggageKeys.length; i++) {
        const key = baggageKeys[i]!;
        const value = entries[i];
        // Code-set scope values win over upstream baggage.
        if (value === undefined || key in merged) continue;
        if (count >= maxCount) break;
        merged[key] = clean(value, maxLength) as string;
        count++;
      }
      node.value = count > 0 ? markInterned(merged) : null;
    }
    return node.value;
  };
  const entries: (string | undefined)[] = [];

  return () => {
    const scope = store.getStore();
    let out = scope ? fromScope(scope) : null;
    if (baggageKeys.length > 0) {
      const baggage = propagation.getBaggage(context.active());
      if (baggage) {
        let any = false;
        for (let i = 0; i < baggageKeys.length; i++) {
          const value = baggage.getEntry(baggageKeys[i]!)?.value;
          entries[i] = value;
          if (value !== undefined) any = true;
        }
        if (any) out = addBaggage(out, entries);
      }
    }
    return out ?? undefined;
  };
}

function sameEntries(a: readonly (string | undefined)[], b: readonly (string | undefined)[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Distinct sets a trie keeps; past it new ones are not kept (still sanitised and recorded correctly, built
 * again each time: bounded memory).
 */
const MAX_SETS = 1000;

/** A node of a trie keyed by (key, value) pairs in order; `value` is the set found at it (undefined: not yet). */
class TrieNode<T> {
  value: T | undefined;
  private readonly children = new Map<string, Map<unknown, TrieNode<T>>>();
  constructor(private readonly trie: { size: number }) {}

  child(key: string, value: unknown): TrieNode<T> {
    let byValue = this.children.get(key);
    if (!byValue) this.children.set(key, (byValue = new Map()));
    let node = byValue.get(value);
    if (!node) {
      node = new TrieNode<T>(this.trie);
      if (this.trie.size < MAX_SETS) {
        byValue.set(value, node);
        this.trie.size++;
      }
    }
    return node;
  }
}

class Trie<T> {
  size = 0;
  readonly root = new TrieNode<T>(this);
}
