// Sets up one variant in the current process: the instrumentation (or none), a real MeterProvider, and
// the openai module loaded through `require` afterwards so the instrumentation's require hook patches it.
// Each variant runs in its own process because they all patch the same openai prototypes.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { MeterProvider, MetricReader, OnDemandReader } from './meter.js';
import { packageVersion } from './versions.js';
import { CHAT_MODEL, CHAT_RESPONSE_MODEL, EMBEDDING_MODEL } from './fixtures.js';

/**
 * genai-meter: aggregation 'internal' with its MetricProducer on every reader, as @genai-meter/node runs it
 * (register entry, start()). genai-meter-sdk: aggregation 'sdk' (OTel API instruments), as a library user
 * wiring the instrumentation into an existing MeterProvider gets it.
 */
export const VARIANTS = ['baseline', 'genai-meter', 'genai-meter-sdk', 'contrib', 'openlit'] as const;
export type Variant = (typeof VARIANTS)[number];
export type Major = 6 | 7;

const benchRequire = createRequire(import.meta.url);
const openaiRequire: Record<Major, NodeJS.Require> = {
  6: benchRequire,
  7: createRequire(fileURLToPath(new URL('../openai7/package.json', import.meta.url))),
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type OpenAIModule = any;

export interface Setup {
  variant: Variant;
  major: Major;
  openaiVersion: string;
  /** Version of the instrumentation package, when there is one. */
  instrumentationVersion: string | undefined;
  OpenAI: OpenAIModule;
  reader: OnDemandReader;
  provider: InstanceType<typeof MeterProvider>;
  /** genai-meter's instrumentation instance (genai-meter variant only), to switch its options. */
  instrumentation?: { enable(): void; disable(): void; getConfig(): object; setConfig(c: object): void };
}

export interface GenaiMeterOptions {
  maxModels?: number;
  /** SDK cardinality limit per instrument (default 2000), for every reader. */
  cardinalityLimit?: number;
  /**
   * More readers on the same provider (Prometheus exporter, ...), made once the instrumentation exists:
   * `producers()` gives a reader its own MetricProducers (empty unless aggregation is internal).
   */
  readers?: (producers: () => MetricProducer[]) => InstanceType<typeof MetricReader>[];
  /** The instrumentation's extraAttributes hook (@genai-meter/node's attribution source). */
  extraAttributes?: () => Record<string, unknown> | undefined;
}

/** The MetricProducer interface of sdk-metrics (structural: exporters pin their own SDK copy). */
export interface MetricProducer {
  collect(options?: unknown): Promise<unknown>;
}

/** Prices for OpenLIT (which otherwise downloads its price list at start): same figures as genai-meter's catalog. */
const OPENLIT_PRICES = {
  chat: { [CHAT_MODEL]: { promptPrice: 0.00015, completionPrice: 0.0006 }, [CHAT_RESPONSE_MODEL]: { promptPrice: 0.00015, completionPrice: 0.0006 } },
  embeddings: { [EMBEDDING_MODEL]: 0.00002 },
};

function loadOpenAI(major: Major): { OpenAI: OpenAIModule; version: string } {
  const req = openaiRequire[major];
  const OpenAI = req('openai');
  const version = packageVersion(req, 'openai');
  if (!version.startsWith(`${major}.`)) throw new Error(`expected openai ${major}.x, loaded ${version}`);
  return { OpenAI, version };
}

/** shimmer's marker (contrib, OpenLIT), or genai-meter's own wrapper, which carries no marker. */
const isWrapped = (fn: unknown): boolean =>
  typeof fn === 'function' && ((fn as { __wrapped?: boolean }).__wrapped === true || fn.name === 'genaiMeterCall');

export function setupVariant(variant: Variant, major: Major, opts: GenaiMeterOptions = {}): Setup {
  // tsx turns Node's source maps on. With them on, every require that require-in-the-middle resolves goes
  // through tsx's resolver, which builds an Error stack, and formatting that stack parses the source map
  // of every openai module on it: about 18 MB of heap that only instrumented variants carry, and only
  // under tsx (not under plain node, even with --enable-source-maps). It raises V8's GC thresholds and the
  // GC work of those variants. Every variant runs as the packages run in production: without.
  process.setSourceMapsEnabled(false);
  let instrumentationVersion: string | undefined;
  let genaiMeter: (Setup['instrumentation'] & { setMeterProvider(p: unknown): void; createMetricProducer(): MetricProducer }) | undefined;
  if (variant === 'genai-meter' || variant === 'genai-meter-sdk') {
    const { OpenAIInstrumentation } = benchRequire('@genai-meter/instrumentation-openai');
    instrumentationVersion = packageVersion(benchRequire, '@genai-meter/instrumentation-openai');
    genaiMeter = new OpenAIInstrumentation({
      enabled: false,
      aggregation: variant === 'genai-meter' ? 'internal' : 'sdk',
      ...(opts.maxModels ? { maxModels: opts.maxModels } : {}),
      ...(opts.cardinalityLimit ? { cardinalityLimit: opts.cardinalityLimit } : {}),
      ...(opts.extraAttributes ? { extraAttributes: opts.extraAttributes } : {}),
    });
  }
  const producers = (): MetricProducer[] => (variant === 'genai-meter' && genaiMeter ? [genaiMeter.createMetricProducer()] : []);
  const reader = new OnDemandReader(opts.cardinalityLimit, producers());
  const provider = new MeterProvider({
    readers: [reader, ...(opts.readers?.(producers) ?? [])],
    ...(opts.cardinalityLimit ? { views: [{ instrumentName: '*', aggregationCardinalityLimit: opts.cardinalityLimit }] } : {}),
  });
  if (genaiMeter) {
    genaiMeter.setMeterProvider(provider);
    genaiMeter.enable();
  } else if (variant === 'contrib') {
    if (major !== 6) throw new Error('the contrib instrumentation supports openai <7 only');
    const { OpenAIInstrumentation } = benchRequire('@opentelemetry/instrumentation-openai');
    instrumentationVersion = packageVersion(benchRequire, '@opentelemetry/instrumentation-openai');
    // A MeterProvider and no TracerProvider: spans go to the API's no-op tracer.
    const inst = new OpenAIInstrumentation({ enabled: false });
    inst.setMeterProvider(provider);
    inst.enable();
  } else if (variant === 'openlit') {
    if (major !== 6) throw new Error('openlit is measured on openai 6 only');
    // OpenLIT reuses a global SDK MeterProvider when one is registered: give it the same one as the others.
    benchRequire('@opentelemetry/api').metrics.setGlobalMeterProvider(provider);
    // Its metrics come from its span wrappers, so tracing cannot be turned off: spans are recorded and
    // dropped (no exporter). Offline: prices passed in (no download), no events, no content capture.
    process.env.OTEL_TRACES_EXPORTER = 'none';
    const openlit = benchRequire('openlit').default;
    instrumentationVersion = packageVersion(benchRequire, 'openlit');
    openlit.init({
      applicationName: 'bench',
      disableEvents: true,
      captureMessageContent: false,
      pricingJson: OPENLIT_PRICES,
    });
  }
  const { OpenAI, version } = loadOpenAI(major);
  const O = OpenAI.OpenAI ?? OpenAI;
  const wrapped = isWrapped(O.Chat.Completions.prototype.create);
  if (wrapped !== (variant !== 'baseline')) throw new Error(`${variant} on openai ${version}: chat.completions.create wrapped=${wrapped}`);
  return { variant, major, openaiVersion: version, instrumentationVersion, OpenAI: O, reader, provider, instrumentation: genaiMeter };
}
