// What every genai-meter instrumentation shares: configuration, the recorder its calls record into (SDK
// instruments or the own aggregation), the MetricProducer, and wrapping methods so that other
// instrumentations of the same SDK keep working. A subclass says which module it patches (init) and how
// a call of its SDK is observed.
import { InstrumentationBase } from '@opentelemetry/instrumentation';
import { attributeFilter, OwnAggregation, type Sinks } from './aggregation.js';
import type { Recorder } from './call.js';
import type { GenAIInstrumentationConfig } from './config.js';
import { AttributeInterner } from './interner.js';
import { Instruments } from './metrics.js';
import { ModelLimiter } from './model-limiter.js';
import { GenAIMeterMetricProducer, type MetricProducerOptions } from './producer.js';
import { EndpointResolver } from './provider.js';
import type { RateLimitHeaders } from './rate-limit.js';
import { isPricer, pricerFor, type Pricer } from './pricer.js';
import { SeriesRegistry, ServiceTierLimiter } from './series.js';

export type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

/**
 * The function a genai-meter wrapper replaced. Wrappers carry none of shimmer's markers (`__wrapped`,
 * `__original`, `__unwrap`): InstrumentationBase._wrap unwraps a marked function before wrapping, so a
 * marked wrapper would be silently removed by the next instrumentation of the same method (the contrib
 * openai instrumentation), and removing one ourselves would remove theirs. Each wraps whatever is there.
 */
const ORIGINAL = Symbol('genai-meter.original');
type OwnWrapper = AnyFunction & { [ORIGINAL]: AnyFunction };

/** shimmer's marker: some other instrumentation wrapped this function. */
export const isForeignWrapper = (fn: unknown): boolean => typeof fn === 'function' && (fn as { __wrapped?: unknown }).__wrapped === true;

/** The function under any genai-meter wrappers (of this or other instances). */
export function underOwnWrappers(fn: AnyFunction): AnyFunction {
  let base = fn;
  while ((base as Partial<OwnWrapper>)[ORIGINAL]) base = (base as OwnWrapper)[ORIGINAL];
  return base;
}

/** What a subclass fixes about its SDK. */
export interface SdkDefaults {
  /** gen_ai.provider.name when the host is not recognised (`openai`, `anthropic`, `gcp.gemini`). */
  defaultProviderName: string;
  /** The provider's rate-limit response headers; undefined when it sends none (the Gemini API): no headroom gauges. */
  rateLimitHeaders: RateLimitHeaders | undefined;
}

export abstract class GenAIInstrumentation<C extends GenAIInstrumentationConfig = GenAIInstrumentationConfig> extends InstrumentationBase<C> {
  // The base constructor calls setConfig, init and _updateMetricInstruments before subclass fields exist;
  // these are created by _configure after super() returns, and `declare` emits no field initializer that
  // would run in between.
  declare private _instruments: Instruments | undefined;
  /** Set while aggregation is 'internal'. */
  declare private _own: OwnAggregation | undefined;
  declare private _ownOptions: string | undefined;
  declare private _sdk: SdkDefaults;
  declare protected _recorder: Recorder;
  declare protected _endpoints: EndpointResolver;
  /** Every (object, method) wrapped, with the wrapper installed there. */
  declare private _patched: Map<object, Map<string, OwnWrapper>>;
  /** Waiting for the first wrapper (onPatched). */
  declare private _onPatched: (() => void)[] | undefined;

  constructor(name: string, version: string, config: C, sdk: SdkDefaults) {
    super(name, version, config);
    this._sdk = sdk;
    this._configure();
  }

  override setConfig(config: C = {} as C): void {
    super.setConfig(config);
    // The base constructor calls setConfig before anything else exists; _configure runs after it then.
    if (this._patched) this._configure();
  }

  /** Reads the configuration; a subclass that keeps options of its own extends it. */
  protected _configure(): void {
    const config = this.getConfig();
    this._patched ??= new Map();
    this._endpoints = new EndpointResolver(config.providerName, config.defaultProviderName ?? this._sdk.defaultProviderName);
    let pricing: Pricer | undefined;
    if (isPricer(config.pricing)) pricing = config.pricing;
    else if (config.pricing !== false) {
      // A broken pricing file never stops the app: each problem is said once, on stderr (a configuration
      // mistake) and through diag; what is broken is left unpriced, the rest applies.
      pricing = pricerFor(config.pricing ?? {}, (problem) => {
        console.error(`[genai-meter] ${problem.message}`);
        this._diag.error(problem.message);
      });
    }
    const recorder: Recorder = {
      series: this._seriesRegistry(),
      limiter: new ModelLimiter(config.maxModels ?? 200),
      pricing,
      diag: this._diag,
      extraAttributes: config.extraAttributes,
      interner: this._recorder?.interner ?? new AttributeInterner(),
      serviceTiers: this._recorder?.serviceTiers ?? new ServiceTierLimiter(),
      recordTimePerOutputChunk: config.recordTimePerOutputChunk ?? true,
      warnedUnpriced: new Set(),
    };
    // In place: a call that is starting reads the new series (see Call's constructor).
    if (this._recorder) Object.assign(this._recorder, recorder);
    else this._recorder = recorder;
  }

  /** A fresh series registry bound to the sinks of the configured aggregation. */
  private _seriesRegistry(): SeriesRegistry {
    const config = this.getConfig();
    const filter = attributeFilter(config.allowAttributes, config.dropAttributes);
    let sinks: Sinks;
    if (config.aggregation === 'internal') {
      // Keep the cells (cumulative state) across a reconfiguration that does not change how they are keyed.
      const ownOptions = JSON.stringify([config.allowAttributes, config.dropAttributes, config.cardinalityLimit]);
      if (!this._own || this._ownOptions !== ownOptions) {
        this._own = new OwnAggregation({ filter, cardinalityLimit: config.cardinalityLimit });
        this._ownOptions = ownOptions;
      }
      sinks = this._own.metrics;
    } else {
      this._own = undefined;
      this._instruments ??= this._createInstruments();
      sinks = this._instruments.sinks(filter);
    }
    return new SeriesRegistry(sinks, 10_000, filter, this._sdk.rateLimitHeaders);
  }

  private _createInstruments(): Instruments {
    return new Instruments(this.meter, () => (this._own ? undefined : this._recorder?.series));
  }

  protected override _updateMetricInstruments(): void {
    if (!this._recorder) return; // base constructor: _configure creates them
    if (this._own) return; // internal aggregation: no SDK instruments (the MetricProducer reports)
    this._instruments = this._createInstruments();
    this._recorder.series = this._seriesRegistry();
  }

  /**
   * A MetricProducer for one MetricReader of @opentelemetry/sdk-metrics (`metricProducers: [...]`), for
   * `aggregation: 'internal'`: the reader then exports this instrumentation's metrics next to the SDK's.
   * Create one per reader. After a switch back to `aggregation: 'sdk'` (setConfig) the producer reports nothing.
   */
  createMetricProducer(options?: MetricProducerOptions): GenAIMeterMetricProducer {
    if (this.getConfig().aggregation !== 'internal') {
      throw new Error("genai-meter: createMetricProducer() needs the instrumentation's aggregation: 'internal' option");
    }
    return new GenAIMeterMetricProducer(
      () => (this._own ? { aggregation: this._own, series: this._recorder.series } : undefined),
      { name: this.instrumentationName, version: this.instrumentationVersion },
      options,
    );
  }

  /**
   * Calls `listener` once, when this instrumentation first wraps a function of its SDK (its hooks saw the
   * SDK load, or a patch*() call handed the SDK over), before that wrapper is in place, so before the SDK
   * can make a call; at once when wrappers of it are in place (none are after disable()). A listener that
   * throws is logged. @genai-meter/node builds its pipeline then.
   */
  onPatched(listener: () => void): void {
    if (this._patched.size > 0) this._notifyPatched([listener]);
    else (this._onPatched ??= []).push(listener);
  }

  private _notifyPatched(listeners: readonly (() => void)[]): void {
    for (const listener of listeners) {
      try {
        listener();
      } catch (error) {
        this._diag.error('an onPatched listener threw', error);
      }
    }
  }

  /**
   * Wraps `holder[name]` with what `make` returns, once per (holder, name) however often the module is
   * patched, on top of whatever is there (another instrumentation's wrapper included). The wrapper should
   * pass calls straight through while `this._enabled` is false.
   */
  protected _install(holder: object, name: string, make: (original: AnyFunction) => AnyFunction): void {
    let names = this._patched.get(holder);
    if (names?.has(name)) return; // ours is still in the chain (maybe under someone else's): it is enabled again
    const h = holder as Record<string, unknown>;
    const original = h[name] as AnyFunction;
    if (typeof original !== 'function') return;
    if (isForeignWrapper(original)) this._diag.debug(`${name} is already wrapped by another instrumentation; wrapping on top of it`);
    const waiting = this._onPatched;
    this._onPatched = undefined;
    if (waiting) this._notifyPatched(waiting);
    const wrapper = make(original) as OwnWrapper;
    wrapper[ORIGINAL] = original;
    const enumerable = Object.prototype.propertyIsEnumerable.call(holder, name);
    Object.defineProperty(holder, name, { configurable: true, writable: true, enumerable, value: wrapper });
    if (!names) this._patched.set(holder, (names = new Map()));
    names.set(name, wrapper);
  }

  /** Whether `holder[name]` carries this instrumentation's wrapper (anywhere in its chain). */
  protected _installed(holder: object, name: string): boolean {
    return this._patched.get(holder)?.has(name) === true;
  }

  /** Also removes what was patched by hand (patch*() methods): the base class only unpatches modules its hooks saw load. */
  override disable(): void {
    super.disable();
    this._uninstallAll();
  }

  /**
   * Every wrapper still on top is replaced by what it wrapped; one that another instrumentation wrapped
   * since stays in its chain and passes calls through while disabled (removing it would remove theirs).
   */
  protected _uninstallAll(): void {
    for (const [holder, names] of this._patched) {
      const h = holder as Record<string, unknown>;
      for (const [name, wrapper] of names) {
        if (h[name] !== wrapper) continue;
        const enumerable = Object.prototype.propertyIsEnumerable.call(holder, name);
        Object.defineProperty(holder, name, { configurable: true, writable: true, enumerable, value: wrapper[ORIGINAL] });
        names.delete(name);
      }
      if (names.size === 0) this._patched.delete(holder);
    }
  }
}
