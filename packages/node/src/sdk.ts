// start(): the metrics pipeline behind the register entry, and its programmatic form.
//
// Why sdk-metrics and not sdk-node: genai-meter only produces metrics. NodeSDK would also load the
// trace and log SDKs, their exporters and a context manager, and would register global providers that
// compete with an app's own SDK. Here the MeterProvider is private (never registered as the global one),
// so an app that starts its own OTel SDK later registers its global provider without conflict.
//
// An app that already has a global MeterProvider (its SDK started before genai-meter, or by the first
// openai call) gets the instrumentation attached to that provider instead: one pipeline, no second
// exporter, no port clash on 9464.
import { createNoopMeter, metrics, type Attributes, type MeterProvider as ApiMeterProvider } from '@opentelemetry/api';
import { MeterProvider, type IMetricReader } from '@opentelemetry/sdk-metrics';
import type { OpenAIInstrumentation } from '@genai-meter/instrumentation-openai';
import { resolveConfig, type GenAIMeterOptions, type ResolvedConfig } from './config.js';
import { installExitHooks, withTimeout, type ExitHooks } from './exit.js';
import { instrumentationFromConfig } from './instrumentation.js';
import { log } from './log.js';
import { createReaders, startPrometheus } from './readers.js';
import { createResource } from './resource.js';
import { viewsFromConfig } from './views.js';

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
  /** Attach to an existing global MeterProvider instead of starting exporters. Default true. */
  adoptGlobalMeterProvider?: boolean;
}

export interface GenAIMeter {
  readonly mode: PipelineMode;
  readonly config: ResolvedConfig;
  /** The instrumentation (undefined when disabled). */
  readonly instrumentation: OpenAIInstrumentation | undefined;
  /** genai-meter's own MeterProvider (undefined when adopted or disabled). */
  readonly meterProvider: MeterProvider | undefined;
  /** Resolves when the Prometheus server listens (true) or failed to (false); true without Prometheus. */
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
  instrumentation: OpenAIInstrumentation | undefined;
  meterProvider: MeterProvider | undefined;
  ready: Promise<boolean> = Promise.resolve(true);
  private exitHooks: ExitHooks | undefined;
  private shutdownPromise: Promise<void> | undefined;

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
    const adopt = this.options.adoptGlobalMeterProvider !== false;
    const existing = adopt ? globalMeterProvider() : undefined;
    // Until the first recorded point, look once more for an app SDK that started after us.
    let lookForAppProvider = adopt && !existing;
    // Own pipeline: the instrumentation aggregates on its own and each reader gets its MetricProducer (a
    // record is a bucket increment instead of an SDK record). Adopted: the app's SDK instruments and Views.
    this.instrumentation = instrumentationFromConfig(
      this.config,
      this.options,
      (source) => () => {
        if (lookForAppProvider) {
          lookForAppProvider = false;
          const late = globalMeterProvider();
          if (late) this.adopt(late, 'the app registered a global MeterProvider after genai-meter started');
        }
        return source();
      },
      existing ? 'sdk' : 'internal',
    );
    if (existing) {
      this.adopt(existing, 'a global MeterProvider was already registered');
    } else {
      this.startOwn();
    }
    if (this.options.handleExit !== false) {
      this.exitHooks = installExitHooks(
        () => this.shutdownNow(),
        () => this.flushNow(),
        this.config.shutdownTimeoutMillis,
      );
    }
  }

  private startOwn(): void {
    const instrumentation = this.instrumentation!;
    const { readers, prometheus } = createReaders(this.config, (temporality) =>
      instrumentation.createMetricProducer(temporality ? { aggregationTemporalitySelector: temporality } : {}),
    );
    if (readers.length === 0) {
      log.info('OTEL_METRICS_EXPORTER=none: metrics are recorded nowhere');
    }
    this.meterProvider = new MeterProvider({
      resource: createResource(this.options.resourceAttributes as Attributes | undefined),
      readers: readers as IMetricReader[],
      views: viewsFromConfig(this.config),
    });
    this.instrumentation!.setMeterProvider(this.meterProvider);
    if (prometheus) this.ready = startPrometheus(prometheus, this.config);
    log.info(`started: exporters ${this.config.exporters.join(',') || 'none'}; openai metrics aggregated by genai-meter (aggregation: internal)`);
  }

  private adopt(provider: ApiMeterProvider, why: string): void {
    log.info(`${why}: attaching the openai instrumentation to it (no exporter of genai-meter's own)`);
    const instrumentation = this.instrumentation!;
    // Back to SDK instruments, so the app's pipeline (readers, Views) receives the metrics; the own
    // readers' producers report nothing from now on.
    if (instrumentation.getConfig().aggregation !== 'sdk') instrumentation.setConfig({ ...instrumentation.getConfig(), aggregation: 'sdk' });
    instrumentation.setMeterProvider(provider);
    const own = this.meterProvider;
    this.mode = 'adopted';
    this.meterProvider = undefined;
    if (own) void withTimeout(own.shutdown(), this.config.shutdownTimeoutMillis);
  }

  private async flushNow(): Promise<void> {
    await this.meterProvider?.forceFlush();
  }

  private async shutdownNow(): Promise<void> {
    this.exitHooks?.remove();
    this.instrumentation?.disable();
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
 * Throws only for an invalid pricing file (GENAI_METER_PRICING_FILE).
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

/** The running instance, if start() (or the register entry) ran. */
export function current(): GenAIMeter | undefined {
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
