import { InstrumentationBase, InstrumentationNodeModuleDefinition, isWrapped } from '@opentelemetry/instrumentation';
import { PriceCatalog } from '@genai-meter/pricing';
import { attributeFilter, OwnAggregation, type Sinks } from './aggregation.js';
import { Call, CallApi, type Recorder } from './call.js';
import { Instruments } from './metrics.js';
import { ModelLimiter } from './model-limiter.js';
import { EndpointResolver } from './provider.js';
import { GenAIMeterMetricProducer, type MetricProducerOptions } from './producer.js';
import { SeriesRegistry } from './series.js';
import { GEN_AI_OPERATION_NAME_VALUES } from './semconv.js';
import { isStreamLike, observeStream } from './stream.js';
import type { OpenAIInstrumentationConfig } from './types.js';
import { readBody } from './usage.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';

/** The openai majors this instrumentation is tested against. */
export const SUPPORTED_OPENAI_VERSIONS = ['>=4.19.0 <8'];

const STREAM_USAGE_PROVIDERS = new Set(['openai', 'deepseek', 'gcp.gemini', 'x_ai', 'groq']);

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

interface ResourceProto {
  create: AnyFunction;
}

interface ClientHolder {
  _client?: object;
}

/** The parts of openai's APIPromise (v4-v7) the instrumentation relies on; all are plain properties. */
interface APIPromiseLike {
  responsePromise: Promise<{ response?: Response }>;
  parseResponse: AnyFunction;
  _thenUnwrap: AnyFunction;
  parsedPromise?: unknown;
}

/**
 * The call behind an observed APIPromise, kept on the parse hook the promise already holds (a property on a
 * function created per call anyway; a WeakMap entry per call costs more).
 */
const CALL = Symbol('genai-meter.call');
type ParseHook = AnyFunction & { [CALL]?: Call };

const isAPIPromise = (v: unknown): v is APIPromiseLike =>
  v instanceof Promise &&
  typeof (v as Partial<APIPromiseLike>).parseResponse === 'function' &&
  (v as Partial<APIPromiseLike>).responsePromise instanceof Promise;

interface Target {
  path: (OpenAI: Record<string, unknown>) => ResourceProto | undefined;
  operation: string;
  api: CallApi;
}

const TARGETS: Target[] = [
  { path: (O) => (O.Chat as { Completions?: { prototype: ResourceProto } })?.Completions?.prototype, operation: GEN_AI_OPERATION_NAME_VALUES.CHAT, api: CallApi.ChatCompletions },
  { path: (O) => (O.Responses as { prototype: ResourceProto } | undefined)?.prototype, operation: GEN_AI_OPERATION_NAME_VALUES.CHAT, api: CallApi.Responses },
  { path: (O) => (O.Embeddings as { prototype: ResourceProto } | undefined)?.prototype, operation: GEN_AI_OPERATION_NAME_VALUES.EMBEDDINGS, api: CallApi.Embeddings },
  { path: (O) => (O.Completions as { prototype: ResourceProto } | undefined)?.prototype, operation: GEN_AI_OPERATION_NAME_VALUES.TEXT_COMPLETION, api: CallApi.Completions },
];

const operationForPath = (path: unknown): string | undefined => {
  if (typeof path !== 'string') return undefined;
  if (path.endsWith('/chat/completions') || path.endsWith('/responses')) return GEN_AI_OPERATION_NAME_VALUES.CHAT;
  if (path.endsWith('/embeddings')) return GEN_AI_OPERATION_NAME_VALUES.EMBEDDINGS;
  if (path.endsWith('/completions')) return GEN_AI_OPERATION_NAME_VALUES.TEXT_COMPLETION;
  return undefined;
};

export class OpenAIInstrumentation extends InstrumentationBase<OpenAIInstrumentationConfig> {
  // The base constructor calls setConfig, init and _updateMetricInstruments before subclass fields exist;
  // these are created by _configure after super() returns, and `declare` emits no field initializer that
  // would run in between.
  declare private _instruments: Instruments | undefined;
  /** Set while aggregation is 'internal'. */
  declare private _own: OwnAggregation | undefined;
  declare private _ownOptions: string | undefined;
  declare private _recorder: Recorder;
  declare private _endpoints: EndpointResolver;
  declare private _patched: Set<object>;
  declare private _injectStreamUsage: NonNullable<OpenAIInstrumentationConfig['injectStreamUsage']>;

  constructor(config: OpenAIInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
    this._configure();
  }

  override setConfig(config: OpenAIInstrumentationConfig = {}): void {
    super.setConfig(config);
    // The base constructor calls setConfig before anything else exists; _configure runs after it then.
    if (this._patched) this._configure();
  }

  private _configure(): void {
    const config = this.getConfig();
    this._patched ??= new Set();
    this._endpoints = new EndpointResolver(config.providerName, config.defaultProviderName ?? 'openai');
    this._injectStreamUsage = config.injectStreamUsage ?? 'known-providers';
    let pricing: PriceCatalog | undefined;
    if (config.pricing instanceof PriceCatalog) pricing = config.pricing;
    else if (config.pricing !== false) pricing = PriceCatalog.load(config.pricing ?? {}); // throws on an invalid file: fail at start, loudly
    const recorder: Recorder = {
      series: this._seriesRegistry(),
      limiter: new ModelLimiter(config.maxModels ?? 200),
      pricing,
      diag: this._diag,
      extraAttributes: config.extraAttributes,
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
    return new SeriesRegistry(sinks, 10_000, filter);
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
   * `aggregation: 'internal'`: the reader then exports genai-meter's metrics next to the SDK's. Create one
   * per reader. After a switch back to `aggregation: 'sdk'` (setConfig) the producer reports nothing.
   */
  createMetricProducer(options?: MetricProducerOptions): GenAIMeterMetricProducer {
    if (this.getConfig().aggregation !== 'internal') {
      throw new Error("genai-meter: createMetricProducer() needs the instrumentation's aggregation: 'internal' option");
    }
    return new GenAIMeterMetricProducer(() => (this._own ? { aggregation: this._own, series: this._recorder.series } : undefined), options);
  }

  protected init() {
    return [
      new InstrumentationNodeModuleDefinition(
        'openai',
        SUPPORTED_OPENAI_VERSIONS,
        (exports: unknown) => {
          this._patchModule(exports);
          return exports;
        },
        (exports: unknown) => this._unpatchModule(exports),
      ),
    ];
  }

  /**
   * Patches one copy of the openai module (CommonJS or ESM; both may be loaded in one process). Exported
   * for apps that load openai before the instrumentation can hook `require`/`import` (bundlers, REPLs).
   */
  patchOpenAI(moduleExports: unknown): void {
    this._patchModule(moduleExports);
  }

  private _openAIClass(moduleExports: unknown): Record<string, unknown> | undefined {
    const m = moduleExports as { OpenAI?: unknown; default?: unknown } | undefined;
    const O = m?.OpenAI ?? m?.default ?? m;
    return typeof O === 'function' ? (O as unknown as Record<string, unknown>) : undefined;
  }

  private _patchModule(moduleExports: unknown): void {
    const O = this._openAIClass(moduleExports);
    if (!O) {
      this._diag.warn('openai module has no OpenAI export; not instrumented');
      return;
    }
    for (const target of TARGETS) {
      const proto = target.path(O);
      if (!proto || typeof proto.create !== 'function') {
        this._diag.debug(`openai: no ${target.operation} resource to patch`);
        continue;
      }
      if (isWrapped(proto.create)) this._unwrap(proto, 'create');
      this._wrap(proto, 'create', (original) => this._wrapCreate(original as AnyFunction, target) as never);
      this._patched.add(proto);
    }
    const clientProto = (O as { prototype?: { retryRequest?: unknown } }).prototype;
    if (clientProto && typeof clientProto.retryRequest === 'function') {
      if (isWrapped(clientProto.retryRequest)) this._unwrap(clientProto, 'retryRequest' as never);
      this._wrap(clientProto as { retryRequest: AnyFunction }, 'retryRequest', (original) => this._wrapRetry(original) as never);
      this._patched.add(clientProto);
    }
  }

  private _unpatchModule(_moduleExports: unknown): void {
    // Unpatch every copy patched so far: the base class only remembers the last one loaded.
    for (const proto of this._patched) {
      const p = proto as Record<string, unknown>;
      if (isWrapped(p.create)) this._unwrap(p as { create: unknown }, 'create');
      if (isWrapped(p.retryRequest)) this._unwrap(p as { retryRequest: unknown }, 'retryRequest');
      if (isWrapped(p.asResponse)) this._unwrap(p as { asResponse: unknown }, 'asResponse');
    }
    this._patched.clear();
  }

  private _wrapCreate(original: AnyFunction, target: Target): AnyFunction {
    const inst = this;
    return function genaiMeterCreate(this: unknown, ...args: unknown[]): unknown {
      let call: Call | undefined;
      let callArgs = args;
      try {
        const body = args[0] as Record<string, unknown> | undefined;
        const client = (this as ClientHolder)._client;
        const endpoint = inst._endpoints.resolve(client);
        const model = typeof body?.model === 'string' ? body.model : undefined;
        const stream = body?.stream === true;
        call = new Call(inst._recorder, target.api, target.operation, endpoint, model, stream);
        if (stream && body && target.api !== CallApi.Responses && inst._shouldInjectUsage(endpoint.provider)) {
          const so = body.stream_options as Record<string, unknown> | null | undefined;
          if (so?.include_usage !== true) {
            // A copy: the caller's object is never mutated.
            callArgs = [{ ...body, stream_options: { ...(so ?? {}), include_usage: true } }, ...args.slice(1)];
            call.hideUsageChunk = true;
          }
        }
      } catch (e) {
        inst._diag.error('genai-meter: failed to start recording a call', e);
        call = undefined;
        callArgs = args;
      }
      let result: unknown;
      try {
        result = original.apply(this, callArgs);
      } catch (err) {
        try {
          call?.fail(err);
        } catch (e) {
          inst._diag.error('genai-meter: failed to record a failed call', e);
        }
        throw err;
      }
      if (call) {
        try {
          inst._observe(result, call);
        } catch (e) {
          inst._diag.error('genai-meter: failed to observe a call', e);
        }
      }
      return result;
    };
  }

  private _shouldInjectUsage(provider: string): boolean {
    const mode = this._injectStreamUsage;
    return mode === true || (mode === 'known-providers' && STREAM_USAGE_PROVIDERS.has(provider));
  }

  /**
   * Hooks the APIPromise in place (same object, same helpers): its response promise for headers and
   * failures, its parser for the body or the stream. Every handler rethrows or returns what it got.
   */
  private _observe(result: unknown, call: Call): void {
    if (!isAPIPromise(result)) {
      this._diag.debug('openai create() did not return an APIPromise; call not recorded');
      call.discard();
      return;
    }
    const diag = this._diag;
    // Records the failure (request or parse) and passes the caller's error through untouched.
    const onFailure = (err: unknown): never => {
      try {
        call.fail(err);
      } catch (e) {
        diag.error('genai-meter: failed to record a failed call', e);
      }
      throw err;
    };
    const responsePromise = result.responsePromise;
    result.responsePromise = responsePromise.then((props) => {
      try {
        call.onHeaders(props?.response?.headers);
      } catch (e) {
        diag.error('genai-meter: failed to read response headers', e);
      }
      return props;
    }, onFailure);
    const parseResponse = result.parseResponse;
    const responsesApi = call.api === CallApi.Responses;
    const parseHook: ParseHook = function genaiMeterParse(this: unknown, ...args: unknown[]) {
      return Promise.resolve(parseResponse.apply(this, args)).then(
        (data) => {
          try {
            if (isStreamLike(data)) observeStream(data, call, diag);
            else {
              const body = readBody(data, responsesApi);
              call.responseModel = body.model;
              call.usage = body.usage;
              call.finish();
            }
          } catch (e) {
            diag.error('genai-meter: failed to read a response body', e);
          }
          return data;
        },
        onFailure,
      );
    };
    parseHook[CALL] = call;
    result.parseResponse = parseHook;
    // A caller that takes the raw Response (asResponse() without parse) reads the body itself: the
    // prototype-level asResponse wrapper records the call when the headers arrive, without usage.
    this._patchAsResponse(Object.getPrototypeOf(result) as { asResponse?: unknown });
    // openai 7 makes `_thenUnwrap` an own closure over the original request and parser (used by parse()
    // and the stream helpers), so the derived promise does not go through the hooks above: observe it too.
    // Recording stays once per call (Call.finish is idempotent, a stream is observed once).
    if (Object.prototype.hasOwnProperty.call(result, '_thenUnwrap')) {
      const thenUnwrap = result._thenUnwrap;
      const self = this;
      result._thenUnwrap = function genaiMeterThenUnwrap(this: unknown, ...args: unknown[]) {
        const derived = thenUnwrap.apply(this, args);
        try {
          self._observe(derived, call);
        } catch (e) {
          diag.error('genai-meter: failed to observe a derived promise', e);
        }
        return derived;
      };
    }
  }

  /** Wraps asResponse once per APIPromise class (one per copy of the SDK). */
  private _patchAsResponse(proto: { asResponse?: unknown }): void {
    if (typeof proto.asResponse !== 'function' || isWrapped(proto.asResponse)) return;
    this._wrap(proto as { asResponse: AnyFunction }, 'asResponse', (original) => {
      const asResponse = original as AnyFunction;
      return function genaiMeterAsResponse(this: APIPromiseLike) {
        const call = (this.parseResponse as ParseHook)[CALL];
        // withResponse() parses first, so only a caller taking the raw body gets here without parsedPromise.
        if (call && this.parsedPromise === undefined) {
          this.responsePromise.then(
            () => call.finish(),
            () => undefined,
          );
        }
        return asResponse.call(this);
      } as never;
    });
    this._patched.add(proto);
  }

  private _wrapRetry(original: unknown): AnyFunction {
    const inst = this;
    const fn = original as AnyFunction;
    return function genaiMeterRetry(this: unknown, ...args: unknown[]): unknown {
      try {
        const options = args[0] as { path?: unknown; body?: { model?: unknown } } | undefined;
        const operation = operationForPath(options?.path);
        if (operation) {
          const rec = inst._recorder;
          const model = typeof options?.body?.model === 'string' ? options.body.model : undefined;
          const series = rec.series.get(inst._endpoints.resolve(this as object), operation, rec.limiter.label(model));
          series.retries.record(1);
        }
      } catch (e) {
        inst._diag.error('genai-meter: failed to count a retry', e);
      }
      return fn.apply(this, args);
    };
  }
}
