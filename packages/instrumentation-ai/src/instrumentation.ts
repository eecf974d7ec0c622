import { InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import {
  Call,
  ERROR_TYPE_VALUES,
  GEN_AI_OPERATION_NAME_VALUES,
  GenAIInstrumentation,
  OuterCallScope,
  runAsOuterCall,
  type AnyFunction,
  type Endpoint,
} from '@genai-meter/instrumentation-core';
import { readReportedCost } from '@genai-meter/pricing';
import { classifyModelError } from './errors.js';
import { ModelEndpoints } from './provider.js';
import { keepForRetry, runEntry, takePending } from './retries.js';
import { observeModelStream, type StreamReading } from './stream.js';
import type { AIInstrumentationConfig } from './types.js';
import { embeddingUsage, languageModelUsage, rawUsage, usageFamily } from './usage.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';

/** The ai majors this instrumentation is tested against. */
export const SUPPORTED_AI_VERSIONS = ['>=5.0.0 <8'];

/** The functions an app calls with a model: where the instrumentation meets the models it measures. */
const ENTRIES = ['generateText', 'streamText', 'generateObject', 'streamObject', 'embed', 'embedMany'] as const;
/** Wrap a model in middleware: the model inside is the one that makes the HTTP call. */
const WRAPPERS = ['wrapLanguageModel', 'wrapEmbeddingModel'] as const;
/** Agent classes (ai 5 `Experimental_Agent`, ai 6/7 `ToolLoopAgent`): they call generateText/streamText from inside the module. */
const AGENTS = ['ToolLoopAgent', 'Experimental_Agent'] as const;

/** The model methods that make one model call each (one HTTP request, or one per SDK retry). */
const enum Method {
  Generate,
  Stream,
  Embed,
}
const METHODS: readonly [name: string, method: Method][] = [
  ['doGenerate', Method.Generate],
  ['doStream', Method.Stream],
  ['doEmbed', Method.Embed],
];

type Obj = Record<string, unknown>;
interface ModelLike {
  provider?: unknown;
  modelId?: unknown;
  specificationVersion?: unknown;
}

const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object';

/** Response headers as the provider packages return them (a plain object), read like Headers. */
class PlainHeaders {
  constructor(private readonly headers: Obj) {}
  get(name: string): string | null {
    const value = this.headers[name];
    return typeof value === 'string' ? value : null;
  }
}

const headersOf = (headers: unknown): PlainHeaders | undefined => (isObject(headers) ? new PlainHeaders(headers) : undefined);

/** The object in `model`'s prototype chain that holds `name` (a class prototype, or the model itself). */
function holderOf(model: object, name: string): object | undefined {
  for (let o: object | null = model; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    if (Object.prototype.hasOwnProperty.call(o, name)) return o;
  }
  return undefined;
}

/** The exported function's name and arity on its wrapper, as the app would read them without genai-meter. */
function keepIdentity(wrapper: AnyFunction, original: AnyFunction): AnyFunction {
  Object.defineProperty(wrapper, 'name', { value: original.name, configurable: true });
  Object.defineProperty(wrapper, 'length', { value: original.length, configurable: true });
  return wrapper;
}

/** Marks the model-method wrappers installed on single objects (not class prototypes). */
const OWN_WRAPPER = Symbol('genai-meter.ai.model-method');

export class AIInstrumentation extends GenAIInstrumentation<AIInstrumentationConfig> {
  declare private _models: ModelEndpoints;
  /** Objects returned by wrapLanguageModel/wrapEmbeddingModel: measured through the model they wrap. */
  declare private _middleware: WeakSet<object>;
  /** Models already instrumented (a call with a model seen before costs one lookup). */
  declare private _seen: WeakSet<object>;
  /** Export objects made for modules whose exports cannot be changed in place, per original. */
  declare private _replacements: WeakMap<object, object>;
  /** The `gateway` provider of each loaded ai copy, for models named by a string (ai's default provider). */
  declare private _gateway: { languageModel?: (id: string) => unknown } | undefined;

  constructor(config: AIInstrumentationConfig = {}) {
    // No instrumentation-wide provider or rate-limit headers: every model says its own (see provider.ts).
    super(PACKAGE_NAME, PACKAGE_VERSION, config, { defaultProviderName: '_OTHER', rateLimitHeaders: undefined });
  }

  protected override _configure(): void {
    super._configure();
    const config = this.getConfig();
    this._models = new ModelEndpoints(config.providerName, config.defaultProviderName);
    this._middleware ??= new WeakSet();
    this._seen ??= new WeakSet();
    this._replacements ??= new WeakMap();
  }

  /** Class wrappers are removed on disable: models seen before are instrumented again on their next call. */
  override disable(): void {
    super.disable();
    this._seen = new WeakSet();
  }

  protected init() {
    return [
      new InstrumentationNodeModuleDefinition(
        'ai',
        SUPPORTED_AI_VERSIONS,
        (exports: unknown) => this._patchModule(exports),
        () => this._uninstallAll(),
      ),
    ];
  }

  /**
   * Patches one copy of the ai module and returns what `require` should hand out. Exported for apps that
   * load ai before the instrumentation can hook `require`/`import` (bundlers): use the returned object.
   */
  patchAI<T>(moduleExports: T): T {
    return this._patchModule(moduleExports) as T;
  }

  /** Instruments one model (its class, or the object itself) so that calls made outside the ai functions count too. */
  instrumentModel(model: unknown): void {
    this._discover(model);
  }

  /**
   * Wraps the entry functions in place where the module's exports allow it (ESM through import-in-the-middle,
   * whose namespace proxies update the live bindings). ai's CommonJS build defines its exports as
   * non-configurable getters and `require()` of ai 7 (ES module only) returns a module namespace: neither can
   * change, so `require` then gets a copy of the exports with the wrappers in (the rest read through).
   */
  private _patchModule(moduleExports: unknown): unknown {
    if (!isObject(moduleExports)) return moduleExports;
    const exports = moduleExports;
    const gateway = exports.gateway;
    if (isObject(gateway) || typeof gateway === 'function') this._gateway ??= gateway as AIInstrumentation['_gateway'];
    const wrappers = new Map<string, (original: AnyFunction) => AnyFunction>();
    for (const name of ENTRIES) wrappers.set(name, (original) => this._wrapEntry(original, (args) => (args[0] as Obj | undefined)?.model, (args) => (args[0] as Obj | undefined)?.maxRetries));
    for (const name of WRAPPERS) wrappers.set(name, (original) => this._wrapMiddlewareFactory(original));
    const failed = new Map<string, AnyFunction>();
    for (const [name, make] of wrappers) {
      if (typeof exports[name] !== 'function') continue;
      try {
        this._install(exports, name, make);
      } catch {
        // Not writable here: wrapped in the replacement below.
      }
      if (!this._installed(exports, name)) failed.set(name, make(exports[name] as AnyFunction));
    }
    for (const name of AGENTS) {
      const proto = (exports[name] as { prototype?: object } | undefined)?.prototype;
      if (!isObject(proto)) continue;
      for (const method of ['generate', 'stream']) {
        this._install(proto, method, (original) =>
          this._wrapEntry(
            original,
            (_args, self) => (self as { settings?: Obj } | undefined)?.settings?.model,
            (_args, self) => (self as { settings?: Obj } | undefined)?.settings?.maxRetries,
          ),
        );
      }
    }
    if (failed.size === 0) return moduleExports;
    return this._replacementExports(exports, failed);
  }

  /** A copy of `exports` with `wrapped` in place of the originals and every other export read through. */
  private _replacementExports(exports: Obj, wrapped: Map<string, AnyFunction>): object {
    const known = this._replacements.get(exports);
    if (known) return known;
    const copy: Obj = {};
    for (const key of Reflect.ownKeys(exports)) {
      const descriptor = Reflect.getOwnPropertyDescriptor(exports, key)!;
      const wrapper = typeof key === 'string' ? wrapped.get(key) : undefined;
      if (wrapper) Object.defineProperty(copy, key, { value: wrapper, enumerable: true, writable: true, configurable: true });
      else if ('value' in descriptor && !descriptor.writable) Object.defineProperty(copy, key, { ...descriptor, configurable: true });
      else Object.defineProperty(copy, key, { get: () => exports[key as string], enumerable: descriptor.enumerable ?? true, configurable: true });
    }
    this._replacements.set(exports, copy);
    return copy;
  }

  /**
   * An entry function (generateText, ..., Agent.generate): finds the model it is given and instruments it,
   * and runs the call as the context its model calls' retries belong to.
   */
  private _wrapEntry(original: AnyFunction, modelOf: (args: unknown[], self: unknown) => unknown, maxRetriesOf: (args: unknown[], self: unknown) => unknown): AnyFunction {
    const inst = this;
    const wrapper = function genaiMeterEntry(this: unknown, ...args: unknown[]): unknown {
      if (!inst._enabled) return original.apply(this, args);
      let maxRetries: unknown;
      try {
        inst._discover(modelOf(args, this));
        maxRetries = maxRetriesOf(args, this);
      } catch (e) {
        inst._diag.error('genai-meter: failed to instrument the model of an AI SDK call', e);
      }
      return runEntry(maxRetries, () => original.apply(this, args));
    };
    return keepIdentity(wrapper, original);
  }

  /** wrapLanguageModel/wrapEmbeddingModel: the wrapped model is measured, the wrapper passes through. */
  private _wrapMiddlewareFactory(original: AnyFunction): AnyFunction {
    const inst = this;
    const wrapper = function genaiMeterWrapModel(this: unknown, ...args: unknown[]): unknown {
      const wrapped = original.apply(this, args);
      if (!inst._enabled) return wrapped;
      try {
        if (isObject(wrapped)) inst._middleware.add(wrapped);
        inst._discover((args[0] as Obj | undefined)?.model);
      } catch (e) {
        inst._diag.error('genai-meter: failed to instrument a wrapped AI SDK model', e);
      }
      return wrapped;
    };
    return keepIdentity(wrapper, original);
  }

  /** Instruments a model's doGenerate/doStream/doEmbed: once per class (or per object without one). */
  private _discover(model: unknown): void {
    if (typeof model === 'string') model = this._defaultProviderModel(model);
    if (!isObject(model) || this._seen.has(model) || this._middleware.has(model)) return;
    this._seen.add(model);
    for (const [name, method] of METHODS) {
      const holder = holderOf(model, name);
      if (!holder) continue;
      const make = (original: AnyFunction) => this._wrapModelMethod(original, method);
      if (holder !== model) {
        this._install(holder, name, make);
        continue;
      }
      // A model object with methods of its own (a hand-written model): wrapped on the object, not tracked
      // for uninstalling (models come and go; the wrapper passes calls through while disabled).
      const current = (holder as Obj)[name] as AnyFunction & { [OWN_WRAPPER]?: true };
      if (typeof current !== 'function' || current[OWN_WRAPPER]) continue;
      const wrapper = make(current) as AnyFunction & { [OWN_WRAPPER]?: true };
      wrapper[OWN_WRAPPER] = true;
      try {
        Object.defineProperty(holder, name, { value: wrapper, writable: true, configurable: true, enumerable: Object.prototype.propertyIsEnumerable.call(holder, name) });
      } catch {
        // A frozen model: not measured.
      }
    }
  }

  /** A model named by a string: the class of the model ai's default provider (or its gateway) resolves it to. */
  private _defaultProviderModel(id: string): unknown {
    const provider = ((globalThis as { AI_SDK_DEFAULT_PROVIDER?: unknown }).AI_SDK_DEFAULT_PROVIDER ?? this._gateway) as AIInstrumentation['_gateway'];
    try {
      return typeof provider?.languageModel === 'function' ? provider.languageModel(id) : undefined;
    } catch {
      return undefined;
    }
  }

  /** One model call: an attempt of doGenerate/doStream/doEmbed, measured from its start to its end. */
  private _wrapModelMethod(original: AnyFunction, method: Method): AnyFunction {
    const inst = this;
    const operation = method === Method.Embed ? GEN_AI_OPERATION_NAME_VALUES.EMBEDDINGS : GEN_AI_OPERATION_NAME_VALUES.CHAT;
    return function genaiMeterModelCall(this: unknown, ...args: unknown[]): unknown {
      if (!inst._enabled || !isObject(this)) return original.apply(this, args);
      const model = this as ModelLike & object;
      const options = args[0] as Obj | undefined;
      const request = method === Method.Embed ? options?.values : options?.prompt;
      let call: Call | undefined;
      let endpoint: Endpoint | undefined;
      let failures = 0;
      let delegated = false;
      let scope: OuterCallScope | undefined;
      try {
        endpoint = inst._models.resolve(model);
        const retried = takePending(model, request);
        if (retried) {
          call = retried.call;
          failures = retried.failures;
          const series = inst._recorder.series.get(endpoint, operation, inst._recorder.limiter.label(typeof model.modelId === 'string' ? model.modelId : undefined));
          series.retries.record(1);
        } else {
          call = new Call(inst._recorder, operation, endpoint, typeof model.modelId === 'string' ? model.modelId : undefined, method === Method.Stream);
        }
        const started = call;
        // A layer under this one (a provider built on the openai SDK) records the HTTP call itself.
        scope = new OuterCallScope(() => {
          delegated = true;
          started.discard();
        });
      } catch (e) {
        inst._diag.error('genai-meter: failed to start recording an AI SDK model call', e);
        call = undefined;
      }
      if (!call || !scope || !endpoint) return original.apply(this, args);
      const started = call;
      const ep = endpoint;
      const onFailure = (err: unknown): never => {
        scope!.close();
        if (!delegated) {
          try {
            const classified = classifyModelError(err);
            if (!keepForRetry(model, request, started, failures + 1, err, classified, options?.abortSignal)) started.finish(classified.type, classified.status);
          } catch (e) {
            inst._diag.error('genai-meter: failed to record a failed AI SDK model call', e);
          }
        }
        throw err;
      };
      let result: unknown;
      try {
        result = runAsOuterCall(scope, () => original.apply(this, args));
      } catch (err) {
        return onFailure(err);
      }
      if (!(result instanceof Promise)) {
        scope.close();
        if (!delegated) started.discard();
        return result;
      }
      return result.then((value: unknown) => {
        scope!.close();
        if (!delegated) {
          try {
            inst._recordResult(started, ep, method, value);
          } catch (e) {
            inst._diag.error('genai-meter: failed to read an AI SDK model result', e);
          }
        }
        return value;
      }, onFailure);
    };
  }

  /** Reads what a model call returned: headers, model, usage, and (for doStream) the stream it observes. */
  private _recordResult(call: Call, endpoint: Endpoint, method: Method, value: unknown): void {
    if (!isObject(value)) {
      call.finish();
      return;
    }
    const response = value.response as Obj | undefined;
    const headers = headersOf(response?.headers);
    call.onHeaders(headers);
    const reportedCost = endpoint.viaGateway ? (raw: unknown) => readReportedCost({ usage: raw, headers })?.usd : undefined;
    if (method === Method.Embed) {
      call.usage = embeddingUsage(value.usage);
      call.finish();
      return;
    }
    const family = usageFamily(endpoint.provider);
    if (method === Method.Stream) {
      const reading: StreamReading = { family, reportedCost };
      const observed = observeModelStream(value.stream, call, reading, this._diag);
      if (observed) value.stream = observed;
      else call.discard();
      return;
    }
    if (typeof response?.modelId === 'string') call.responseModel = response.modelId;
    call.usage = languageModelUsage(value.usage, value.providerMetadata, family);
    if (reportedCost) call.reportedCostUsd = reportedCost(rawUsage(value.usage));
    const serviceTier = (value.providerMetadata as { openai?: { serviceTier?: unknown } } | undefined)?.openai?.serviceTier;
    if (typeof serviceTier === 'string') call.serviceTier = serviceTier;
    const reason = value.finishReason;
    const unified = typeof reason === 'string' ? reason : (reason as { unified?: unknown } | undefined)?.unified;
    call.finish(unified === 'error' ? ERROR_TYPE_VALUES.SERVER_ERROR : undefined);
  }
}
