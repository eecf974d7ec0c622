import type { Attributes } from '@opentelemetry/api';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import type { PriceCatalog, PriceCatalogOptions } from '@genai-meter/pricing';
import type { Pricer } from './pricer.js';
import type { ProviderOverride } from './provider.js';

/** The options every genai-meter instrumentation takes (each SDK's instrumentation may add its own). */
export interface GenAIInstrumentationConfig extends InstrumentationConfig {
  /**
   * gen_ai.provider.name for every call (a string), or a function of the client's base URL that may
   * return undefined to fall back to host detection. For gateways and relays whose host says nothing.
   */
  providerName?: ProviderOverride;
  /** Provider used when the host is not recognised and no override applies. Default: the SDK's provider. */
  defaultProviderName?: string;
  /**
   * Record gen_ai.client.operation.time_per_output_chunk for every chunk after the first, as semconv asks
   * (default true). Through SDK instruments each record costs about 1 µs of CPU per chunk (with aggregation
   * 'internal', a clock read and a bucket increment); turn it off for very high-throughput streams. Time
   * to first chunk, duration and tokens are recorded either way.
   */
  recordTimePerOutputChunk?: boolean;
  /** Distinct model names kept as label values before new ones become `_OTHER`. Default 200. */
  maxModels?: number;
  /**
   * Price catalog for gen_ai.usage.cost: a loaded catalog (or a Pricer, e.g. one shared by several
   * instrumentations), options to load one (bundled + file + overrides), or false for no cost metric. The
   * bundled catalog alone is loaded at the first call that needs a price. Default: the bundled catalog merged with GENAI_METER_PRICING_FILE. A broken
   * file never throws: each problem is said once on stderr and through diag, and what it breaks is unpriced.
   */
  pricing?: PriceCatalog | Pricer | PriceCatalogOptions | false;
  /**
   * Extra attributes for every point of a call, e.g. from context (see @genai-meter/node's attribution API).
   * Called once, synchronously, when the call starts, so they belong to the scope the call was made in even
   * when it is awaited or its stream read elsewhere. Keep them low-cardinality.
   */
  extraAttributes?: () => Attributes | undefined;
  /**
   * How values are aggregated.
   * - `'sdk'` (default): through OTel API instruments on the MeterProvider (global, or the one given with
   *   setMeterProvider / registerInstrumentations). Works with any SDK; its Views apply.
   * - `'internal'`: in the instrumentation's own explicit-bucket histograms and sums, bound once per
   *   attribute set, and exported by the MetricReaders you give a producer from `createMetricProducer()`
   *   (the same points the SDK would make, at a fraction of the per-call cost). Views do not apply to
   *   them: use `allowAttributes`, `dropAttributes` and `cardinalityLimit`. This is what
   *   `@genai-meter/node` uses when it runs its own pipeline.
   */
  aggregation?: 'sdk' | 'internal';
  /** Keep only these attribute keys on every point (applied once per attribute set). Default: all. */
  allowAttributes?: string[];
  /** Drop these attribute keys from every point (applied once per attribute set). */
  dropAttributes?: string[];
  /**
   * With `aggregation: 'internal'`: attribute sets per metric before new ones are folded into the
   * `otel.metric.overflow=true` set, as the SDK does. Default 2000 (the SDK's default).
   */
  cardinalityLimit?: number;
}
