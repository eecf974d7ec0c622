// start(): the metrics pipeline behind the register entry, and its programmatic form.
//
// Why sdk-metrics and not sdk-node: genai-meter only produces metrics. NodeSDK would also load the
// trace and log SDKs, their exporters and a context manager, and would register global providers that
// compete with an app's own SDK. Here the MeterProvider is private (never registered as the global one),
// so an app that starts its own OTel SDK later registers its global provider without conflict.
//
// Where the metrics go beside an app's own MeterProvider is GENAI_METER_METER_PROVIDER (config.ts); it is
// said on stderr at start and whenever it changes, so an operator always knows which endpoint to scrape.
import { createNoopMeter, diag, metrics, type Attributes, type MeterProvider as ApiMeterProvider } from '@opentelemetry/api';
import { MeterProvider, type IMetricReader, type MetricProducer, type ViewOptions } from '@opentelemetry/sdk-metrics';
import type { GenAIInstrumentation, MetricProducerOptions } from '@genai-meter/instrumentation-core';
import { METRICS, type OpenAIInstrumentation } from '@genai-meter/instrumentation-openai';
import { resolveConfig, type GenAIMeterOptions, type ResolvedConfig } from './config.js';
import { installExitHooks, withTimeout, type ExitHooks } from './exit.js';
import { instrumentationsFromConfig } from './instrumentation.js';
import { attachDiag, log } from './log.js';
import type { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { createReaders, startPrometheus } from './readers.js';
import { createResource } from './resource.js';
import { REGISTER_KEY } from './sdk-modules.js';
import { INSTRUMENTATION_SCOPE, viewMatches, viewsFromConfig } from './views.js';

attachDiag(diag);

export type PipelineMode =
  /** genai-meter's own MeterProvider and exporters. */
  | 'own'
  /** The app's global MeterProvider (its own SDK) receives the metrics. */
  | 'adopted'
  /** OTEL_SDK_DISABLED=true: nothing is patched or exported. */
  | 'disabled';

export interface StartOptions extends GenAIMeterOptions {
  /** Flush on beforeExit, SIGTERM and SIGINT (bounded by shutdownTimeoutMillis). Default true. */
  handleExit?: boolean;
  /** `false`: the same as `meterProvider: 'own'` (kept for existing callers). */
  adoptGlobalMeterProvider?: boolean;
  /**
   * Build the pipeline, open the Prometheus port and say where metrics go only once an instrumentation has
   * patched its SDK. The register entry sets it: it usually starts genai-meter just before an SDK is patched,
   * but also at once (the module.register loader) or when the app calls current(), and a launcher such as
   * `npm start` under NODE_OPTIONS must not take the port before the app it starts.
   */
  announceWhenAnSdkLoads?: boolean;
  /**
   * Views for genai-meter's own MeterProvider. A View that selects genai-meter's instruments replaces
   * genai-meter's own View for them, and makes the pipeline record through SDK instruments (the internal
   * aggregation cannot apply an arbitrary View); a line on stderr says so.
   */
  views?: ViewOptions[];
}

export interface GenAIMeter {
  readonly mode: PipelineMode;
  readonly config: ResolvedConfig;
  /** The openai instrumentation (undefined when disabled). */
  readonly instrumentation: OpenAIInstrumentation | undefined;
  /** Every instrumentation running, one per SDK (empty when disabled). */
  readonly instrumentations: readonly GenAIInstrumentation[];
  /** genai-meter's own MeterProvider (undefined when adopted or disabled). */
  readonly meterProvider: MeterProvider | undefined;
  /** Resolves when the Prometheus server listens (true) or failed to (false); true without Prometheus. Under the register entry, not before an SDK is loaded. */
  readonly ready: Promise<boolean>;
  /** Exports what was recorded so far, bounded by the shutdown timeout. */
  forceFlush(): Promise<void>;
  /** Final export and release of the exporters (bounded); disables the instrumentation. Idempotent. */
  shutdown(): Promise<void>;
}

const INSTANCE_KEY = Symbol.for('genai-meter.node.instance.v1');
type Holder = { [INSTANCE_KEY]?: GenAIMeter };
const holder = globalThis as Holder;

/** The global MeterProvider if an SDK registered one, else undefined. */
export function globalMeterProvider(): ApiMeterProvider | undefined {
  const provider = metrics.getMeterProvider();
  // The no-op provider hands out the shared no-op meter: recognise it without relying on class names.
  return provider.getMeter('genai-meter-probe') === createNoopMeter() ? undefined : provider;
}

class Pipeline implements GenAIMeter {
  mode: PipelineMode;
  instrumentations: GenAIInstrumentation[] = [];
  meterProvider: MeterProvider | undefined;
  ready: Promise<boolean> = Promise.resolve(true);
  private exitHooks: ExitHooks | undefined;
  /** genai-meter's Prometheus exporter, whose server starts once start-up is over (see start). */
  private prometheus: PrometheusExporter | undefined;
  /** Drops every later export of genai-meter's own push readers (see Readers.discard). */
  private discardOwnExports: () => void = () => undefined;
  /** An instrumented SDK has been patched; until then `announceWhenAnSdkLoads` holds the pipeline and its announcement. */
  private sdkLoaded = false;
  private whenSdkLoads: (() => void) | undefined;
  private shutdownPromise: Promise<void> | undefined;

  get instrumentation(): OpenAIInstrumentation | undefined {
    return this.instrumentations[0] as OpenAIInstrumentation | undefined;
  }

  constructor(
    readonly config: ResolvedConfig,
    private readonly options: StartOptions,
  ) {
    this.mode = config.disabled ? 'disabled' : 'own';
  }

  start(): void {
    if (this.mode === 'disabled') {
      log.info('OTEL_SDK_DISABLED=true: openai calls are not instrumented');
      return;
    }
    const choice = this.options.adoptGlobalMeterProvider === false ? 'own' : this.config.meterProvider;
    const existing = choice !== 'own' ? globalMeterProvider() : undefined;
    // Start-up lasts until the event loop first turns (the other --require preloads and a CommonJS main
    // module's first synchronous run): an app provider registered by then is used as if it came first, and
    // no port of ours is opened meanwhile. After that, `auto` never moves a running pipeline.
    let startingUp = true;
    let lookForAppProvider = !existing && choice !== 'own';
    const lookOnce = (): void => {
      if (!lookForAppProvider) return;
      lookForAppProvider = false;
      const late = globalMeterProvider();
      if (late) this.appProviderAppeared(late, choice, startingUp);
    };
    this.instrumentations = instrumentationsFromConfig(
      this.config,
      this.options,
      (source) => () => {
        lookOnce();
        return source();
      },
      existing ? 'sdk' : this.ownAggregation(),
    );
    if (existing) {
      // The register entry starts genai-meter at the first SDK the app loads.
      const why = this.options.announceWhenAnSdkLoads ? 'the app registered a global MeterProvider before it loaded an LLM SDK' : 'a global MeterProvider was registered before genai-meter started';
      this.adopt(existing, why, false);
    } else {
      // Held for the first SDK (noticeFirstSdk): a process that loads none builds no pipeline, and its
      // exporter modules (http for Prometheus) are never initialised.
      if (!this.options.announceWhenAnSdkLoads) this.startOwn();
      let ready!: (listening: boolean) => void;
      this.ready = new Promise<boolean>((resolve) => (ready = resolve));
      setImmediate(() => {
        if (lookForAppProvider && globalMeterProvider()) lookOnce();
        startingUp = false;
        if (this.mode !== 'own') return ready(true);
        const announce = (): void => {
          // Held until an SDK loaded, nothing was announced or exported yet: an app provider registered by
          // now is used as if it had come first (no second port, nothing lost).
          const appProvider = lookForAppProvider ? globalMeterProvider() : undefined;
          if (appProvider) {
            lookForAppProvider = false;
            this.adopt(appProvider, 'the app registered a global MeterProvider before it loaded an LLM SDK', false);
          }
          if (this.mode !== 'own' || this.shutdownPromise) return ready(true);
          if (!this.meterProvider) this.startOwn();
          log.notice(`LLM call metrics: ${describeExporters(this.config)} (aggregation: ${this.instrumentations[0]!.getConfig().aggregation})`);
          if (this.prometheus) void startPrometheus(this.prometheus, this.config).then(ready);
          else ready(true);
        };
        if (this.options.announceWhenAnSdkLoads && !this.sdkLoaded) this.whenSdkLoads = announce;
        else announce();
      });
      if (this.options.announceWhenAnSdkLoads) this.noticeFirstSdk();
    }
    if (this.options.handleExit !== false) {
      this.exitHooks = installExitHooks(
        () => this.shutdownNow(),
        () => this.flushNow(),
        this.config.shutdownTimeoutMillis,
      );
    }
  }

  /** `internal` unless the configuration asks for SDK instruments, or the app's Views select genai-meter's. */
  private ownAggregation(): 'internal' | 'sdk' {
    if (this.config.aggregation === 'sdk') return 'sdk';
    const views = this.options.views ?? [];
    if (views.some((view) => Object.values(METRICS).some((def) => viewMatches(view, def)))) {
      log.notice("views given for genai-meter's instruments: recording through SDK instruments so that they apply (aggregation: sdk)");
      return 'sdk';
    }
    return 'internal';
  }

  /** Runs the held announcement when an instrumentation first wraps its SDK (by its hooks, or by hand in a bundle). */
  private noticeFirstSdk(): void {
    const loaded = (): void => {
      if (this.sdkLoaded) return;
      this.sdkLoaded = true;
      // Before the SDK's module is patched, so that its first call records into the pipeline.
      if (this.mode === 'own' && !this.meterProvider && !this.shutdownPromise) this.startOwn();
      const announce = this.whenSdkLoads;
      this.whenSdkLoads = undefined;
      announce?.();
    };
    for (const instrumentation of this.instrumentations) instrumentation.onPatched(loaded);
  }

  private startOwn(): void {
    const instrumentations = this.instrumentations;
    const internal = instrumentations[0]!.getConfig().aggregation === 'internal';
    const { readers, prometheus, discard } = createReaders(
      this.config,
      internal
        ? (temporality) => combinedProducer(instrumentations, temporality ? { aggregationTemporalitySelector: temporality } : {})
        : undefined,
    );
    const userViews = this.options.views ?? [];
    // A View of the app's that selects an instrument of ours replaces ours for it (two would make two streams).
    const ownViews = viewsFromConfig(this.config).filter((view) => {
      const def = Object.values(METRICS).find((d) => d.name === view.instrumentName)!;
      return !userViews.some((userView) => viewMatches(userView, def));
    });
    this.meterProvider = new MeterProvider({
      resource: createResource(this.options.resourceAttributes as Attributes | undefined),
      readers: readers as IMetricReader[],
      views: [...ownViews, ...userViews],
    });
    for (const instrumentation of instrumentations) instrumentation.setMeterProvider(this.meterProvider);
    this.prometheus = prometheus;
    this.discardOwnExports = discard;
  }

  /** The app registered a global MeterProvider after genai-meter started (seen at start-up's end or the first call). */
  private appProviderAppeared(provider: ApiMeterProvider, choice: string, startingUp: boolean): void {
    if (startingUp) {
      this.adopt(provider, 'the app registered a global MeterProvider while starting up, after genai-meter', false);
      return;
    }
    if (choice === 'app') {
      this.adopt(provider, 'the app registered a global MeterProvider after genai-meter started (GENAI_METER_METER_PROVIDER=app)', true);
      return;
    }
    log.notice(
      `the app registered a global MeterProvider after genai-meter started; genai-meter keeps its own exporters (${describeExporters(this.config)}). ` +
        `GENAI_METER_METER_PROVIDER=app sends genai-meter's metrics through the app's provider instead; own silences this line`,
    );
  }

  /** `ownRunning`: genai-meter's exporters had started (and said so); they stop now. */
  private adopt(provider: ApiMeterProvider, why: string, ownRunning = false): void {
    const own = this.meterProvider;
    log.notice(
      `LLM call metrics: through the app's MeterProvider (${why})` +
        (ownRunning ? `; genai-meter's own exporters stop (${describeExporters(this.config)})` : '; genai-meter runs no exporter of its own') +
        '. GENAI_METER_METER_PROVIDER=own keeps genai-meter\'s exporters',
    );
    // Back to SDK instruments, so the app's pipeline (readers, Views) receives the metrics; the own
    // readers' producers report nothing from now on.
    for (const instrumentation of this.instrumentations) {
      if (instrumentation.getConfig().aggregation !== 'sdk') instrumentation.setConfig({ ...instrumentation.getConfig(), aggregation: 'sdk' });
      instrumentation.setMeterProvider(provider);
    }
    this.mode = 'adopted';
    this.meterProvider = undefined;
    // Given up at start-up, the own pipeline never exported: its shutdown must not send a first (and last)
    // export under genai-meter's resource. Once it ran, its final export closes what it reported.
    if (own && !ownRunning) this.discardOwnExports();
    if (own) void withTimeout(own.shutdown(), this.config.shutdownTimeoutMillis);
  }

  private async flushNow(): Promise<void> {
    await this.meterProvider?.forceFlush();
  }

  private async shutdownNow(): Promise<void> {
    this.exitHooks?.remove();
    for (const instrumentation of this.instrumentations) instrumentation.disable();
    await this.meterProvider?.shutdown();
  }

  async forceFlush(): Promise<void> {
    await withTimeout(this.flushNow(), this.config.shutdownTimeoutMillis);
  }

  shutdown(): Promise<void> {
    this.shutdownPromise ??= withTimeout(this.shutdownNow(), this.config.shutdownTimeoutMillis).then(() => {
      if (holder[INSTANCE_KEY] === this) delete holder[INSTANCE_KEY];
    });
    return this.shutdownPromise;
  }
}

/**
 * Starts genai-meter once per process (later calls return the running instance, also across the
 * CommonJS and ESM builds): the openai instrumentation, and either its own MeterProvider with the
 * exporters from OTEL_METRICS_EXPORTER or, when the app already registered one, the global MeterProvider.
 * Never throws for configuration: bad values and a broken pricing file are reported on stderr.
 */
export function start(options: StartOptions = {}): GenAIMeter {
  const running = holder[INSTANCE_KEY];
  if (running) {
    log.info('start(): already started; returning the running instance');
    return running;
  }
  const pipeline = new Pipeline(resolveConfig(options), options);
  pipeline.start();
  holder[INSTANCE_KEY] = pipeline;
  return pipeline;
}

/**
 * The running instance, if start() ran. Under the register entry, which starts genai-meter at the first
 * SDK an app loads, it starts it now: a bundled app hands its SDK over through it (README).
 */
export function current(): GenAIMeter | undefined {
  if (!holder[INSTANCE_KEY]) (holder as { [REGISTER_KEY]?: () => void })[REGISTER_KEY]?.();
  return holder[INSTANCE_KEY];
}

/** Shuts the running instance down (bounded by the shutdown timeout). Call it before process.exit(). */
export async function shutdown(): Promise<void> {
  await holder[INSTANCE_KEY]?.shutdown();
}

/** Exports what the running instance recorded so far (bounded by the shutdown timeout). */
export async function forceFlush(): Promise<void> {
  await holder[INSTANCE_KEY]?.forceFlush();
}

/**
 * One MetricProducer for a reader over every instrumentation's own: a reader takes a list, but the
 * readers are built before the list of SDKs matters to them (readers.ts makes one producer per reader).
 */
function combinedProducer(instrumentations: readonly GenAIInstrumentation[], options: MetricProducerOptions): MetricProducer {
  const producers = instrumentations.map((i) => i.createMetricProducer(options));
  return {
    async collect() {
      const results = await Promise.all(producers.map((p) => p.collect()));
      return {
        resourceMetrics: { resource: results[0]!.resourceMetrics.resource, scopeMetrics: results.flatMap((r) => r.resourceMetrics.scopeMetrics) },
        errors: results.flatMap((r) => r.errors),
      };
    },
  };
}

/** Where genai-meter's own exporters send the metrics, for the stderr line at start. */
export function describeExporters(config: ResolvedConfig, env: Readonly<Record<string, string | undefined>> = process.env): string {
  if (config.exporters.length === 0) return 'no exporter (OTEL_METRICS_EXPORTER=none)';
  const every = `every ${config.exportIntervalMillis / 1000} s`;
  return config.exporters
    .map((name) => {
      if (name === 'prometheus') return `prometheus on http://${config.prometheusHost.includes(':') ? `[${config.prometheusHost}]` : config.prometheusHost}:${config.prometheusPort}/metrics`;
      if (name === 'console') return `console ${every}`;
      const grpc = config.otlpProtocol === 'grpc';
      const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || (grpc ? 'http://localhost:4317' : 'http://localhost:4318');
      const url = env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT?.trim() || (grpc ? base : `${base.replace(/\/$/, '')}/v1/metrics`);
      return `otlp ${config.otlpProtocol} to ${url} ${every}`;
    })
    .join(', ');
}
