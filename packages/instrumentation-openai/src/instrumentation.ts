import { InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import {
  Call,
  ERROR_TYPE_VALUES,
  GEN_AI_OPERATION_NAME_VALUES,
  GENAI_METER_OPERATION_NAME_VALUES,
  OPENAI_RATE_LIMIT_HEADERS,
  StainlessInstrumentation,
  isForeignWrapper,
  underOwnWrappers,
  type AnyFunction,
  type ChunkObserver,
  type ResultReader,
  type RetryTarget,
  type StartedCall,
} from '@genai-meter/instrumentation-core';
import { readReportedCost } from '@genai-meter/pricing';
import { observeCompletionChunk, observeResponsesEvent } from './chunks.js';
import { AUDIO_READER, IMAGES_READER, MODERATION_READER, MediaCall, SPEECH_READER, requestedImages, speechCharacters } from './media.js';
import type { OpenAIInstrumentationConfig } from './types.js';
import { readBody } from './usage.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';

/** The openai majors this instrumentation is tested against. */
export const SUPPORTED_OPENAI_VERSIONS = ['>=4.19.0 <8'];

const STREAM_USAGE_PROVIDERS = new Set(['openai', 'deepseek', 'gcp.gemini', 'x_ai', 'groq']);

type OpenAIClass = Record<string, unknown>;
type Resource = { prototype: Record<string, unknown> } | undefined;
type Body = Record<string, unknown>;

/** What is known about results of the function under a wrapper (the SDK's, or another library's wrapper). */
interface Beneath {
  /**
   * Streams it returns can be observed (and an added usage chunk hidden): true when it is the SDK's own
   * method or has returned an APIPromise for a stream before; false once it returned something else.
   */
  streamsObservable: boolean | undefined;
}

/** The openai APIs, by the shape of their responses and stream events. */
const enum Api {
  ChatCompletions,
  Completions,
  Responses,
  Embeddings,
  Images,
  Audio,
  Speech,
  Moderations,
}

/** The readers of the APIs that are not text generation (media.ts). */
const MEDIA_READERS: Partial<Record<Api, ResultReader>> = {
  [Api.Images]: IMAGES_READER,
  [Api.Audio]: AUDIO_READER,
  [Api.Speech]: SPEECH_READER,
  [Api.Moderations]: MODERATION_READER,
};

/** One patched method: where it lives in a copy of the module, the operation it performs, the API it calls. */
interface Target {
  resource: (O: OpenAIClass) => Resource;
  method: string;
  operation: string;
  api: Api;
}

const OP = { ...GEN_AI_OPERATION_NAME_VALUES, ...GENAI_METER_OPERATION_NAME_VALUES };
const audio = (O: OpenAIClass, name: string): Resource => (O.Audio as Record<string, Resource> | undefined)?.[name];

const TARGETS: Target[] = [
  { resource: (O) => (O.Chat as { Completions?: Resource } | undefined)?.Completions, method: 'create', operation: OP.CHAT, api: Api.ChatCompletions },
  { resource: (O) => O.Responses as Resource, method: 'create', operation: OP.CHAT, api: Api.Responses },
  { resource: (O) => O.Embeddings as Resource, method: 'create', operation: OP.EMBEDDINGS, api: Api.Embeddings },
  { resource: (O) => O.Completions as Resource, method: 'create', operation: OP.TEXT_COMPLETION, api: Api.Completions },
  { resource: (O) => O.Images as Resource, method: 'generate', operation: OP.GENERATE_IMAGE, api: Api.Images },
  { resource: (O) => O.Images as Resource, method: 'edit', operation: OP.EDIT_IMAGE, api: Api.Images },
  { resource: (O) => O.Images as Resource, method: 'createVariation', operation: OP.EDIT_IMAGE, api: Api.Images },
  { resource: (O) => audio(O, 'Transcriptions'), method: 'create', operation: OP.TRANSCRIBE_AUDIO, api: Api.Audio },
  { resource: (O) => audio(O, 'Translations'), method: 'create', operation: OP.TRANSLATE_AUDIO, api: Api.Audio },
  { resource: (O) => audio(O, 'Speech'), method: 'create', operation: OP.GENERATE_SPEECH, api: Api.Speech },
  { resource: (O) => O.Moderations as Resource, method: 'create', operation: OP.MODERATE_CONTENT, api: Api.Moderations },
];

/** Request path (its end: the client's base URL may carry a prefix) -> operation, for retries. */
const PATH_OPERATIONS: [suffix: string, operation: string][] = [
  ['/chat/completions', OP.CHAT],
  ['/responses', OP.CHAT],
  ['/embeddings', OP.EMBEDDINGS],
  ['/completions', OP.TEXT_COMPLETION],
  ['/images/generations', OP.GENERATE_IMAGE],
  ['/images/edits', OP.EDIT_IMAGE],
  ['/images/variations', OP.EDIT_IMAGE],
  ['/audio/transcriptions', OP.TRANSCRIBE_AUDIO],
  ['/audio/translations', OP.TRANSLATE_AUDIO],
  ['/audio/speech', OP.GENERATE_SPEECH],
  ['/moderations', OP.MODERATE_CONTENT],
];

/**
 * The model of a request being retried: a JSON body's `model`; a multipart body is a FormData (openai 5+), or
 * a stream under openai 4, whose uploads name their model in `__metadata`.
 */
function retriedModel(options: { body?: unknown; __metadata?: { model?: unknown } }): unknown {
  const body = options.body as { model?: unknown; get?: (name: string) => unknown } | undefined;
  if (typeof body?.model === 'string') return body.model;
  return (typeof body?.get === 'function' ? body.get('model') : undefined) ?? options.__metadata?.model;
}

/** Retries of the instrumented requests, by path, with the model of their body. */
const retryTarget: RetryTarget = (options) => {
  const path = options?.path;
  if (typeof path !== 'string') return undefined;
  const operation = PATH_OPERATIONS.find(([suffix]) => path.endsWith(suffix))?.[1];
  if (!operation) return undefined;
  const model = retriedModel(options!);
  return { operation, model: typeof model === 'string' ? model : undefined };
};

export class OpenAIInstrumentation extends StainlessInstrumentation<OpenAIInstrumentationConfig> {
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
        // Every copy patched so far: the base class only remembers the last one loaded.
        () => this._uninstallAll(),
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

  private _openAIClass(moduleExports: unknown): OpenAIClass | undefined {
    const m = moduleExports as { OpenAI?: unknown; default?: unknown } | undefined;
    const O = m?.OpenAI ?? m?.default ?? m;
    return typeof O === 'function' ? (O as unknown as OpenAIClass) : undefined;
  }

  private _patchModule(moduleExports: unknown): void {
    const O = this._openAIClass(moduleExports);
    if (!O) {
      this._diag.warn('openai module has no OpenAI export; not instrumented');
      return;
    }
    for (const target of TARGETS) {
      const proto = target.resource(O)?.prototype;
      if (typeof proto?.[target.method] !== 'function') {
        this._diag.debug(`openai: no ${target.operation} resource to patch`);
        continue;
      }
      this._install(proto, target.method, (original) => this._wrapTarget(original, target));
    }
    const clientProto = (O as { prototype?: { retryRequest?: unknown } }).prototype;
    if (clientProto && typeof clientProto.retryRequest === 'function') {
      this._install(clientProto, 'retryRequest', (original) => this._wrapRetry(original, retryTarget));
    }
  }

  private _wrapTarget(original: AnyFunction, target: Target): AnyFunction {
    // The SDK's own method (named as the target, not marked by any instrumentation; genai-meter wrappers of
    // other instances pass its APIPromise through) returns APIPromises of Streams.
    const base = underOwnWrappers(original);
    const beneath: Beneath = { streamsObservable: base.name === target.method && !isForeignWrapper(base) ? true : undefined };
    return this._wrapCall(original, (self, args) => this._startCall(self, args, target, beneath), this._reader(target.api, beneath));
  }

  /** How a call's answer is read, and what its streams tell about the function under the wrapper. */
  private _reader(api: Api, beneath: Beneath): ResultReader {
    const media = MEDIA_READERS[api];
    if (media) return media;
    const responsesApi = api === Api.Responses;
    const observer: ChunkObserver = responsesApi ? observeResponsesEvent : observeCompletionChunk;
    const diag = this._diag;
    return {
      readBody: (call, body) => finishWithBody(call, body, responsesApi),
      chunkObserver: () => observer,
      streamKind(kind) {
        if (kind === 'sdk') beneath.streamsObservable ??= true;
        else if (beneath.streamsObservable !== false) {
          // The wrapper's own iterable: observed, but a usage chunk added for us could reach the caller
          // through other paths, so the request is never changed again under this wrapper.
          beneath.streamsObservable = false;
          diag.info('genai-meter: a wrapper under genai-meter returns its own stream objects; stream usage is not requested through it');
        }
      },
    };
  }

  private _startCall(self: unknown, args: unknown[], target: Target, beneath: Beneath): StartedCall {
    const body = args[0] as Body | undefined;
    const endpoint = this._endpoints.resolve((self as { _client?: object })._client);
    const model = typeof body?.model === 'string' ? body.model : undefined;
    const stream = body?.stream === true;
    if (target.api === Api.Images || target.api === Api.Speech) {
      const call = new MediaCall(this._recorder, target.operation, endpoint, model, stream);
      if (target.api === Api.Speech) call.requested = { characters: speechCharacters(body?.input) };
      else {
        call.requested = requestedImages(body);
        call.expectedChoices = call.requested.images ?? 1;
      }
      return { call };
    }
    const call = new Call(this._recorder, target.operation, endpoint, model, stream);
    if (!stream || !body || MEDIA_READERS[target.api]) return { call };
    const sent = this._prepareStream(call, body, target.api, endpoint.provider, beneath);
    return sent === body ? { call } : { call, args: [sent, ...args.slice(1)] };
  }

  /**
   * Stream bookkeeping from the request body, and the usage option: added (to a copy; the caller's object
   * is never mutated) only when the provider accepts it and the result is known to come back as the SDK's
   * Stream, whose extra usage chunk can then be hidden. Returns the body to send.
   */
  private _prepareStream(call: Call, body: Body, api: Api, provider: string, beneath: Beneath): Body {
    if (api === Api.Responses) return body; // reports usage in its final event, always
    if (typeof body.n === 'number' && body.n > 1) call.expectedChoices = body.n;
    const so = body.stream_options as Record<string, unknown> | null | undefined;
    if (so?.include_usage === true) {
      call.usageExpected = true;
      return body;
    }
    if (beneath.streamsObservable === true && this._shouldInjectUsage(provider)) {
      call.hideUsageChunk = true;
      call.usageExpected = true;
      return { ...body, stream_options: { ...(so ?? {}), include_usage: true } };
    }
    return body;
  }

  private _shouldInjectUsage(provider: string): boolean {
    const mode = this._injectStreamUsage;
    return mode === true || (mode === 'known-providers' && STREAM_USAGE_PROVIDERS.has(provider));
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
