import { InstrumentationNodeModuleDefinition, InstrumentationNodeModuleFile } from '@opentelemetry/instrumentation';
import {
  EndpointResolver,
  GEN_AI_OPERATION_NAME_VALUES,
  GenAIInstrumentation,
  observeAsyncGenerator,
  observeAsyncIterable,
  type AnyFunction,
  type Call,
  type Endpoint,
} from '@genai-meter/instrumentation-core';
import { GoogleGenAICall } from './call.js';
import { finishWithResponse, observeGenerateContentChunk } from './chunks.js';
import { modelLabel, operationOfUrl } from './request.js';
import type { GoogleGenAIInstrumentationConfig } from './types.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';

/** The @google/genai versions this instrumentation is tested against. */
export const SUPPORTED_GOOGLE_GENAI_VERSIONS = ['>=3.0.0 <4'];

/**
 * The specifiers an ES module app imports @google/genai by, which import-in-the-middle's loader must include
 * (`@google/genai/node` is the same ES module build, hooked as a file of the package).
 */
export const GOOGLE_GENAI_ESM_SPECIFIERS: readonly string[] = ['@google/genai', '@google/genai/node'];

const GEMINI = 'gcp.gemini';
const VERTEX_AI = 'gcp.vertex_ai';

/** The parts of the SDK's internal ApiClient (a Models instance's `apiClient`) read here. */
interface ApiClientLike {
  isVertexAI?: () => boolean;
  getBaseUrl?: () => string;
}

interface ParamsLike {
  model?: unknown;
  config?: {
    abortSignal?: AbortSignal;
    candidateCount?: unknown;
    serviceTier?: unknown;
    httpOptions?: { baseUrl?: unknown };
  } | null;
}

const enum Kind {
  Generate,
  Stream,
  Embed,
}

/**
 * The Models methods patched: one call of each is one HTTP request to the model (the public generateContent,
 * generateContentStream and embedContent are per-instance arrow functions that end in these, once per
 * automatic function-calling round and per continuation hop, and chats go through them too).
 */
const TARGETS: readonly { methods: readonly string[]; operation: string; kind: Kind }[] = [
  { methods: ['generateContentInternal'], operation: GEN_AI_OPERATION_NAME_VALUES.GENERATE_CONTENT, kind: Kind.Generate },
  { methods: ['generateContentStreamInternal'], operation: GEN_AI_OPERATION_NAME_VALUES.GENERATE_CONTENT, kind: Kind.Stream },
  // Older SDKs had embedContent itself on the prototype.
  { methods: ['embedContentInternal', 'embedContent'], operation: GEN_AI_OPERATION_NAME_VALUES.EMBEDDINGS, kind: Kind.Embed },
];

const baseUrlOf = (client: object): unknown => {
  const c = client as ApiClientLike;
  try {
    return typeof c.getBaseUrl === 'function' ? c.getBaseUrl() : undefined;
  } catch {
    return undefined; // the SDK throws when no base URL is set
  }
};

export class GoogleGenAIInstrumentation extends GenAIInstrumentation<GoogleGenAIInstrumentationConfig> {
  /** Endpoints of Vertex AI clients: the same host rules, with gcp.vertex_ai where the host says nothing. */
  declare private _vertexEndpoints: EndpointResolver;
  /** The ApiClient prototype seen last, already handed to _patchApiClient (a call checks identity only). */
  declare private _lastApiClientProto: object | null | undefined;

  constructor(config: GoogleGenAIInstrumentationConfig = {}) {
    // The Gemini API and Vertex AI send no rate-limit headers.
    super(PACKAGE_NAME, PACKAGE_VERSION, config, { defaultProviderName: GEMINI, rateLimitHeaders: undefined });
  }

  protected override _configure(): void {
    super._configure();
    this._vertexEndpoints = new EndpointResolver(this.getConfig().providerName, VERTEX_AI);
  }

  protected init() {
    const patch = (exports: unknown) => {
      this._patchModule(exports);
      return exports;
    };
    // Every copy patched so far is unpatched: the base class only remembers the last one loaded.
    const unpatch = () => this._uninstallAll();
    return [
      new InstrumentationNodeModuleDefinition('@google/genai', SUPPORTED_GOOGLE_GENAI_VERSIONS, patch, unpatch, [
        // `import '@google/genai/node'` loads the same ES module build, but import-in-the-middle names it by its file.
        new InstrumentationNodeModuleFile('@google/genai/dist/node/index.mjs', SUPPORTED_GOOGLE_GENAI_VERSIONS, patch, unpatch),
      ]),
    ];
  }

  /**
   * Patches one copy of @google/genai (its CommonJS and ES module builds are separate copies; both may be
   * loaded in one process). For apps that load it before the instrumentation can hook `require`/`import`.
   */
  patchGoogleGenAI(moduleExports: unknown): void {
    this._patchModule(moduleExports);
  }

  private _patchModule(moduleExports: unknown): void {
    const Models = (moduleExports as { Models?: unknown } | undefined)?.Models;
    const proto = typeof Models === 'function' ? (Models.prototype as Record<string, unknown> | undefined) : undefined;
    if (!proto) {
      this._diag.warn('@google/genai has no Models export; not instrumented');
      return;
    }
    for (const target of TARGETS) {
      const method = target.methods.find((m) => typeof proto[m] === 'function');
      if (method === undefined) {
        this._diag.warn(`@google/genai: Models has none of ${target.methods.join(', ')}; ${target.operation} calls are not recorded`);
        continue;
      }
      this._install(proto, method, (original) => this._wrapMethod(original, target.operation, target.kind));
    }
  }

  /** Wrappers removed (disable, or the module unpatched): the next call checks its ApiClient class again. */
  protected override _uninstallAll(): void {
    super._uninstallAll();
    this._lastApiClientProto = undefined;
  }

  private _endpoint(client: ApiClientLike | undefined, baseUrl: unknown): Endpoint {
    const resolver = client !== undefined && typeof client.isVertexAI === 'function' && client.isVertexAI() === true ? this._vertexEndpoints : this._endpoints;
    // A per-request httpOptions.baseUrl sends this call elsewhere.
    return typeof baseUrl === 'string' ? resolver.resolve(client ?? {}, () => baseUrl) : resolver.resolve(client, baseUrlOf);
  }

  private _start(models: unknown, params: ParamsLike | undefined, operation: string, kind: Kind): Call {
    const client = (models as { apiClient?: ApiClientLike } | undefined)?.apiClient;
    const config = params?.config ?? undefined;
    const endpoint = this._endpoint(client, config?.httpOptions?.baseUrl);
    const call = new GoogleGenAICall(this._recorder, operation, endpoint, modelLabel(params?.model), kind === Kind.Stream, config?.abortSignal);
    if (config) {
      if (typeof config.candidateCount === 'number' && config.candidateCount > 1) call.expectedChoices = config.candidateCount;
      // The response does not say which tier served it: the requested one prices the call.
      if (typeof config.serviceTier === 'string' && config.serviceTier !== 'unspecified') call.requestedServiceTier = config.serviceTier;
    }
    if (client) {
      const proto = Object.getPrototypeOf(client) as object | null;
      if (proto !== this._lastApiClientProto) {
        this._patchApiClient(proto);
        this._lastApiClientProto = proto;
      }
    }
    return call;
  }

  private _wrapMethod(original: AnyFunction, operation: string, kind: Kind): AnyFunction {
    const inst = this;
    // `arguments` passed to apply as is: no array per call (the wrapper's length stays 0, as a rest parameter's).
    return function genaiMeterModels(this: unknown): unknown {
      // eslint-disable-next-line prefer-rest-params
      const args = arguments as unknown as unknown[];
      if (!inst._enabled) return original.apply(this, args);
      let call: Call | undefined;
      try {
        call = inst._start(this, args[0] as ParamsLike | undefined, operation, kind);
      } catch (e) {
        inst._diag.error('genai-meter: failed to start recording a call', e);
      }
      let result: unknown;
      try {
        result = original.apply(this, args);
      } catch (err) {
        inst._safely(() => call?.fail(err), 'failed to record a failed call');
        throw err;
      }
      if (call) {
        try {
          inst._observe(result, call, kind);
        } catch (e) {
          inst._diag.error('genai-meter: failed to observe a call', e);
        }
      }
      return result;
    };
  }

  /**
   * Observes the promise the SDK returned without changing it: the caller gets the same promise; the
   * observer's own derived promise handles its rejection. Registered before the caller can await it, so a
   * stream is observed before anyone reads it.
   */
  private _observe(result: unknown, call: Call, kind: Kind): void {
    const then = result !== null && typeof result === 'object' ? (result as { then?: unknown }).then : undefined;
    if (typeof then !== 'function') {
      this._diag.debug('@google/genai returned something other than a promise; call not recorded');
      call.discard();
      return;
    }
    then.call(
      result,
      (value: unknown) => {
        try {
          if (kind === Kind.Stream) this._observeStream(value, call);
          else finishWithResponse(call, value, kind === Kind.Embed);
        } catch (e) {
          this._diag.error('genai-meter: failed to read a response', e);
        }
      },
      (err: unknown) => this._safely(() => call.fail(err), 'failed to record a failed call'),
    );
  }

  private _observeStream(value: unknown, call: Call): void {
    if (value !== null && typeof value === 'object') {
      // The SDK's async generator itself (next() and for-await alike); another library's iterable by its iterator.
      if (typeof (value as { next?: unknown }).next === 'function' && observeAsyncGenerator(value, call, observeGenerateContentChunk, this._diag)) return;
      if (observeAsyncIterable(value, call, observeGenerateContentChunk, this._diag)) return;
    }
    this._diag.debug('@google/genai stream is not an async iterable; call not recorded');
    call.discard();
  }

  /**
   * Counts the retries of `httpOptions.retryOptions`: the SDK's ApiClient.apiCall(url, init, retryOptions,
   * timeout, abortSignal, fetch) fetches once per attempt, so every fetch after the first is a retry.
   * ApiClient is not exported: its prototype is reached through the first call's client.
   */
  private _patchApiClient(proto: object | null): void {
    if (proto === null || this._installed(proto, 'apiCall')) return;
    const apiCall = (proto as { apiCall?: unknown }).apiCall;
    // Older SDKs take (url, init) and read their retry options elsewhere: their retries are not counted.
    if (typeof apiCall !== 'function' || apiCall.length < 6) return;
    const inst = this;
    this._install(proto, 'apiCall', (original) => {
      return function genaiMeterApiCall(this: unknown): unknown {
        // eslint-disable-next-line prefer-rest-params
        const args = arguments as unknown as unknown[];
        if (!inst._enabled || args[2] === null || typeof args[2] !== 'object') return original.apply(this, args);
        const client = this as ApiClientLike;
        const url = args[0];
        const fetchFn = args[5];
        let attempts = 0;
        const counted = function genaiMeterFetch(this: unknown, ...fetchArgs: unknown[]): unknown {
          if (attempts++ > 0) inst._safely(() => inst._countRetry(client, url), 'failed to count a retry');
          const f = typeof fetchFn === 'function' ? (fetchFn as AnyFunction) : (globalThis.fetch as unknown as AnyFunction);
          return f.apply(this, fetchArgs);
        };
        const callArgs = Array.prototype.slice.call(args);
        callArgs[5] = counted;
        return original.apply(this, callArgs);
      };
    });
  }

  private _countRetry(client: ApiClientLike, url: unknown): void {
    const target = operationOfUrl(url);
    if (!target) return;
    const rec = this._recorder;
    rec.series.get(this._endpoint(client, undefined), target.operation, rec.limiter.label(target.model)).retries.record(1);
  }

  private _safely(fn: () => void, what: string): void {
    try {
      fn();
    } catch (e) {
      this._diag.error(`genai-meter: ${what}`, e);
    }
  }
}
