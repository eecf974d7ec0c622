import { InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import {
  Call,
  ERROR_TYPE_VALUES,
  GEN_AI_OPERATION_NAME_VALUES,
  GenAIInstrumentation,
  OPENAI_RATE_LIMIT_HEADERS,
  isForeignWrapper,
  isStreamLike,
  observeAsyncIterable,
  observeStream,
  underOwnWrappers,
  type AnyFunction,
  type ChunkObserver,
} from '@genai-meter/instrumentation-core';
import { readReportedCost } from '@genai-meter/pricing';
import { observeCompletionChunk, observeResponsesEvent } from './chunks.js';
import type { OpenAIInstrumentationConfig } from './types.js';
import { readBody } from './usage.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';

/** The openai majors this instrumentation is tested against. */
export const SUPPORTED_OPENAI_VERSIONS = ['>=4.19.0 <8'];

const STREAM_USAGE_PROVIDERS = new Set(['openai', 'deepseek', 'gcp.gemini', 'x_ai', 'groq']);

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

/** What is known about results of the function under a create() wrapper (the SDK's, or another library's wrapper). */
interface Beneath {
  /**
   * Streams it returns can be observed (and an added usage chunk hidden): true when it is the SDK's own
   * method or has returned an APIPromise for a stream before; false once it returned something else.
   */
  streamsObservable: boolean | undefined;
}

const isAPIPromise = (v: unknown): v is APIPromiseLike =>
  v instanceof Promise &&
  typeof (v as Partial<APIPromiseLike>).parseResponse === 'function' &&
  (v as Partial<APIPromiseLike>).responsePromise instanceof Promise;

/** The openai APIs, by the shape of their responses and stream events. */
const enum Api {
  ChatCompletions,
  Completions,
  Responses,
  Embeddings,
}

interface Target {
  path: (OpenAI: Record<string, unknown>) => ResourceProto | undefined;
  operation: string;
  api: Api;
}

const observerFor = (api: Api): ChunkObserver => (api === Api.Responses ? observeResponsesEvent : observeCompletionChunk);

const TARGETS: Target[] = [
  { path: (O) => (O.Chat as { Completions?: { prototype: ResourceProto } })?.Completions?.prototype, operation: GEN_AI_OPERATION_NAME_VALUES.CHAT, api: Api.ChatCompletions },
  { path: (O) => (O.Responses as { prototype: ResourceProto } | undefined)?.prototype, operation: GEN_AI_OPERATION_NAME_VALUES.CHAT, api: Api.Responses },
  { path: (O) => (O.Embeddings as { prototype: ResourceProto } | undefined)?.prototype, operation: GEN_AI_OPERATION_NAME_VALUES.EMBEDDINGS, api: Api.Embeddings },
  { path: (O) => (O.Completions as { prototype: ResourceProto } | undefined)?.prototype, operation: GEN_AI_OPERATION_NAME_VALUES.TEXT_COMPLETION, api: Api.Completions },
];

const operationForPath = (path: unknown): string | undefined => {
  if (typeof path !== 'string') return undefined;
  if (path.endsWith('/chat/completions') || path.endsWith('/responses')) return GEN_AI_OPERATION_NAME_VALUES.CHAT;
  if (path.endsWith('/embeddings')) return GEN_AI_OPERATION_NAME_VALUES.EMBEDDINGS;
  if (path.endsWith('/completions')) return GEN_AI_OPERATION_NAME_VALUES.TEXT_COMPLETION;
  return undefined;
};

export class OpenAIInstrumentation extends GenAIInstrumentation<OpenAIInstrumentationConfig> {
  declare private _injectStreamUsage: NonNullable<OpenAIInstrumentationConfig['injectStreamUsage']>;

  constructor(config: OpenAIInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config, { defaultProviderName: 'openai', rateLimitHeaders: OPENAI_RATE_LIMIT_HEADERS });
  }

  protected override _configure(): void {
    super._configure();
    this._injectStreamUsage = this.getConfig().injectStreamUsage ?? 'known-providers';
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
      this._install(proto, 'create', (original) => this._wrapCreate(original, target));
    }
    const clientProto = (O as { prototype?: { retryRequest?: unknown } }).prototype;
    if (clientProto && typeof clientProto.retryRequest === 'function') {
      this._install(clientProto, 'retryRequest', (original) => this._wrapRetry(original));
    }
  }

  private _unpatchModule(_moduleExports: unknown): void {
    // Every copy patched so far: the base class only remembers the last one loaded.
    this._uninstallAll();
  }

  private _wrapCreate(original: AnyFunction, target: Target): AnyFunction {
    const inst = this;
    // The SDK's own method (named `create`, not marked by any instrumentation; genai-meter wrappers of other
    // instances pass its APIPromise through) returns APIPromises of Streams.
    const base = underOwnWrappers(original);
    const beneath: Beneath = { streamsObservable: base.name === 'create' && !isForeignWrapper(base) ? true : undefined };
    return function genaiMeterCreate(this: unknown, ...args: unknown[]): unknown {
      if (!inst._enabled) return original.apply(this, args);
      let call: Call | undefined;
      let callArgs = args;
      try {
        const body = args[0] as Record<string, unknown> | undefined;
        const client = (this as ClientHolder)._client;
        const endpoint = inst._endpoints.resolve(client);
        const model = typeof body?.model === 'string' ? body.model : undefined;
        const stream = body?.stream === true;
        call = new Call(inst._recorder, target.operation, endpoint, model, stream);
        if (stream && body) inst._prepareStream(call, body, target, endpoint.provider, beneath, (b) => (callArgs = [b, ...args.slice(1)]));
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
          inst._observe(result, call, target.api, beneath);
        } catch (e) {
          inst._diag.error('genai-meter: failed to observe a call', e);
        }
      }
      return result;
    };
  }

  /**
   * Stream bookkeeping from the request body, and the usage option: added (to a copy; the caller's object
   * is never mutated) only when the provider accepts it and the result is known to come back as the SDK's
   * Stream, whose extra usage chunk can then be hidden. `send` replaces the body that goes to the SDK.
   */
  private _prepareStream(call: Call, body: Record<string, unknown>, target: Target, provider: string, beneath: Beneath, send: (body: unknown) => void): void {
    if (target.api === Api.Responses) return; // reports usage in its final event, always
    if (typeof body.n === 'number' && body.n > 1) call.expectedChoices = body.n;
    const so = body.stream_options as Record<string, unknown> | null | undefined;
    if (so?.include_usage === true) {
      call.usageExpected = true;
      return;
    }
    if (beneath.streamsObservable === true && this._shouldInjectUsage(provider)) {
      send({ ...body, stream_options: { ...(so ?? {}), include_usage: true } });
      call.hideUsageChunk = true;
      call.usageExpected = true;
    }
  }

  private _shouldInjectUsage(provider: string): boolean {
    const mode = this._injectStreamUsage;
    return mode === true || (mode === 'known-providers' && STREAM_USAGE_PROVIDERS.has(provider));
  }

  /**
   * Hooks the APIPromise in place (same object, same helpers): its response promise for headers and
   * failures, its parser for the body or the stream. Every handler rethrows or returns what it got.
   */
  private _observe(result: unknown, call: Call, api: Api, beneath: Beneath): void {
    const observer = observerFor(api);
    if (!isAPIPromise(result)) {
      this._observeThenable(result, call, api, beneath);
      return;
    }
    if (call.stream) beneath.streamsObservable ??= true;
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
    const onHeaders = (props: { response?: Response } | undefined): void => {
      try {
        call.onHeaders(props?.response?.headers);
        // A stream nobody has started to read may never be: finish it when the promise is dropped.
        if (call.stream && result.parsedPromise === undefined) call.watch(result);
      } catch (e) {
        diag.error('genai-meter: failed to read response headers', e);
      }
    };
    const responsesApi = api === Api.Responses;
    const onParsed = (data: unknown): unknown => {
      try {
        if (isStreamLike(data)) observeStream(data, call, observer, diag);
        else finishWithBody(call, data, responsesApi);
      } catch (e) {
        diag.error('genai-meter: failed to read a response body', e);
      }
      return data;
    };
    if (result.parsedPromise instanceof Promise) {
      // Something under this wrapper (another instrumentation) already subscribed, so parsing is chained on
      // the original promises: observe beside them. Their rejections are already handled by that chain.
      const onError = (err: unknown): void => {
        try {
          call.fail(err);
        } catch (e) {
          diag.error('genai-meter: failed to record a failed call', e);
        }
      };
      result.responsePromise.then(onHeaders, onError);
      result.parsedPromise.then(onParsed, onError);
      return;
    }
    const responsePromise = result.responsePromise;
    result.responsePromise = responsePromise.then((props) => {
      onHeaders(props);
      return props;
    }, onFailure);
    const parseResponse = result.parseResponse;
    const parseHook: ParseHook = function genaiMeterParse(this: unknown, ...args: unknown[]) {
      return Promise.resolve(parseResponse.apply(this, args)).then(onParsed, onFailure);
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
          self._observe(derived, call, api, { streamsObservable: true });
        } catch (e) {
          diag.error('genai-meter: failed to observe a derived promise', e);
        }
        return derived;
      };
    }
  }

  /**
   * A result that is not an APIPromise (another library's wrapper returned a plain Promise or thenable):
   * observed through `then`, which changes nothing for the caller (the value or error is not touched; a
   * rejection is handled only by this observer's own derived promise).
   */
  private _observeThenable(result: unknown, call: Call, api: Api, beneath: Beneath): void {
    const then = result !== null && (typeof result === 'object' || typeof result === 'function') ? (result as { then?: unknown }).then : undefined;
    if (typeof then !== 'function') {
      this._diag.debug('openai create() returned neither a promise nor a thenable; call not recorded');
      call.discard();
      return;
    }
    const diag = this._diag;
    const responsesApi = api === Api.Responses;
    const observer = observerFor(api);
    then.call(
      result,
      (data: unknown) => {
        try {
          if (isStreamLike(data)) {
            // The SDK's Stream, reached before the caller could read it: its extra chunk can be hidden.
            if (observeStream(data, call, observer, diag)) beneath.streamsObservable ??= true;
          } else if (call.stream && data !== null && typeof data === 'object') {
            // The wrapper's own iterable: observed, but a usage chunk added for us could reach the caller
            // through other paths, so the request is never changed again under this wrapper.
            if (beneath.streamsObservable !== false) {
              beneath.streamsObservable = false;
              diag.info('genai-meter: a wrapper under genai-meter returns its own stream objects; stream usage is not requested through it');
            }
            if (!observeAsyncIterable(data, call, observer, diag)) call.discard();
          } else finishWithBody(call, data, responsesApi);
        } catch (e) {
          diag.error('genai-meter: failed to read a response body', e);
        }
      },
      (err: unknown) => {
        try {
          call.fail(err);
        } catch (e) {
          diag.error('genai-meter: failed to record a failed call', e);
        }
      },
    );
  }

  /** Wraps asResponse once per APIPromise class (one per copy of the SDK). */
  private _patchAsResponse(proto: { asResponse?: unknown }): void {
    if (typeof proto.asResponse !== 'function' || this._installed(proto, 'asResponse')) return;
    const inst = this;
    this._install(proto, 'asResponse', (original) => {
      return function genaiMeterAsResponse(this: unknown) {
        const promise = this as APIPromiseLike;
        const call = (promise.parseResponse as ParseHook)[CALL];
        // withResponse() parses first, so only a caller taking the raw body gets here without parsedPromise.
        if (inst._enabled && call && promise.parsedPromise === undefined) {
          promise.responsePromise.then(
            () => call.finish(),
            () => undefined,
          );
        }
        return original.call(this);
      };
    });
  }

  private _wrapRetry(original: unknown): AnyFunction {
    const inst = this;
    const fn = original as AnyFunction;
    return function genaiMeterRetry(this: unknown, ...args: unknown[]): unknown {
      if (!inst._enabled) return fn.apply(this, args);
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

/** Records a non-streaming call from its parsed body: model, service tier, usage and the outcome it states. */
function finishWithBody(call: Call, data: unknown, responsesApi: boolean): void {
  const body = readBody(data, responsesApi);
  call.responseModel = body.model;
  call.serviceTier = body.serviceTier;
  call.usage = body.usage;
  // A gateway may report what it billed (OpenRouter in the usage, LiteLLM proxy in a header): that wins.
  if (call.endpoint.viaGateway) call.reportedCostUsd = readReportedCost({ usage: body.rawUsage, headers: call.headers })?.usd;
  if (body.status === 'incomplete') call.finish(ERROR_TYPE_VALUES.INCOMPLETE);
  else if (body.status === 'failed') call.finish(body.errorType ?? ERROR_TYPE_VALUES.SERVER_ERROR);
  else call.finish();
}
