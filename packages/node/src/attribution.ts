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
  // Sanitised results per scope object: a scope is usually shared by many calls.
  const cache = new WeakMap<ScopeAttributes, Attributes>();

  const fromScope = (scope: ScopeAttributes): Attributes => {
    let out = cache.get(scope);
    if (out) return out;
    out = {};
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
    cache.set(scope, out);
    return out;
  };

  return () => {
    const scope = store.getStore();
    let out: Attributes | undefined = scope ? fromScope(scope) : undefined;
    if (baggageKeys.length > 0) {
      const baggage = propagation.getBaggage(context.active());
      if (baggage) {
        let copied = false;
        for (const key of baggageKeys) {
          const entry = baggage.getEntry(key);
          if (entry === undefined || (out && key in out)) continue; // code-set scope values win over upstream baggage
          if (out && Object.keys(out).length >= maxCount) break;
          if (!copied) {
            out = { ...out };
            copied = true;
          }
          out![key] = clean(entry.value, maxLength) as string;
        }
      }
    }
    return out && Object.keys(out).length > 0 ? out : undefined;
  };
}
