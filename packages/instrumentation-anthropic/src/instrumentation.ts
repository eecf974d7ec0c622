import { InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import {
  ANTHROPIC_RATE_LIMIT_HEADERS,
  Call,
  GEN_AI_OPERATION_NAME_VALUES,
  StainlessInstrumentation,
  type AnyFunction,
  type ResultReader,
  type RetryTarget,
  type StartedCall,
} from '@genai-meter/instrumentation-core';
import { readReportedCost } from '@genai-meter/pricing';
import { messageEventObserver } from './events.js';
import type { AnthropicInstrumentationConfig } from './types.js';
import { obj, pricingTier, usageFromMessage } from './usage.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';

/** The @anthropic-ai/sdk versions this instrumentation is tested against. */
export const SUPPORTED_ANTHROPIC_VERSIONS = ['>=0.20.0 <2'];

const CHAT = GEN_AI_OPERATION_NAME_VALUES.CHAT;

type Resource = { prototype: Record<string, unknown> } | undefined;

const beta = (A: Record<string, unknown>) => A.Beta as Record<string, Record<string, unknown> | undefined> | undefined;

/**
 * The Messages resources whose `create` sends a Messages API request: the stable one, the beta one, and the
 * beta namespaces of 0.2x-0.3x SDKs (`beta.tools.messages`, `beta.promptCaching.messages`).
 */
const MESSAGES_RESOURCES: ((A: Record<string, unknown>) => Resource)[] = [
  (A) => A.Messages as Resource,
  (A) => beta(A)?.Messages as Resource,
  (A) => beta(A)?.Tools?.Messages as Resource,
  (A) => beta(A)?.PromptCaching?.Messages as Resource,
];

/** A non-streaming answer: a Message with its model, usage and tier. */
function readMessage(call: Call, body: unknown): void {
  const message = obj(body);
  const usage = obj(message?.usage);
  if (typeof message?.model === 'string') call.responseModel = message.model;
  if (usage) {
    call.usage = usageFromMessage(usage, true);
    call.requestedServiceTier = pricingTier(usage);
    // A gateway may report what it billed (LiteLLM proxy's header): that wins.
    if (call.endpoint.viaGateway) call.reportedCostUsd = readReportedCost({ usage, headers: call.headers })?.usd;
  }
  // Every stop_reason (end_turn, max_tokens, tool_use, refusal, pause_turn) is an answer the API gave.
  call.finish();
}

const MESSAGES_READER: ResultReader = { readBody: readMessage, chunkObserver: messageEventObserver };

/** Retries of Messages API requests (`/v1/messages`, `?beta=true` on older SDKs); count_tokens and batches are not instrumented. */
const messagesRetry: RetryTarget = (options) => {
  const path = options?.path;
  if (typeof path !== 'string' || path.split('?', 1)[0] !== '/v1/messages') return undefined;
  const model = obj(options?.body)?.model;
  return { operation: CHAT, model: typeof model === 'string' ? model : undefined };
};

/** The prototype that defines `name` (the SDK's base client), so that every client class of that copy inherits the wrapper. */
function owner(proto: object | null, name: string): object | undefined {
  for (let p = proto; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    if (Object.prototype.hasOwnProperty.call(p, name)) return p;
  }
  return undefined;
}

export class AnthropicInstrumentation extends StainlessInstrumentation<AnthropicInstrumentationConfig> {
  constructor(config: AnthropicInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config, { defaultProviderName: 'anthropic', rateLimitHeaders: ANTHROPIC_RATE_LIMIT_HEADERS });
  }

  protected init() {
    return [
      new InstrumentationNodeModuleDefinition(
        '@anthropic-ai/sdk',
        SUPPORTED_ANTHROPIC_VERSIONS,
        (exports: unknown) => {
          this._patchModule(exports);
          return exports;
        },
        () => this._uninstallAll(),
      ),
    ];
  }

  /**
   * Patches one copy of @anthropic-ai/sdk (CommonJS or ESM; both may be loaded in one process). For apps that
   * load the SDK before the instrumentation can hook `require`/`import` (bundlers, REPLs).
   */
  patchAnthropic(moduleExports: unknown): void {
    this._patchModule(moduleExports);
  }

  private _patchModule(moduleExports: unknown): void {
    const m = moduleExports as { Anthropic?: unknown; default?: unknown } | undefined;
    const A = m?.Anthropic ?? m?.default;
    if (typeof A !== 'function') {
      this._diag.warn('@anthropic-ai/sdk has no Anthropic export; not instrumented');
      return;
    }
    const start = (self: unknown, args: unknown[]) => this._startMessagesCall(self, args);
    for (const resource of MESSAGES_RESOURCES) {
      const proto = resource(A as unknown as Record<string, unknown>)?.prototype;
      if (typeof proto?.create !== 'function') continue;
      this._install(proto, 'create', (original) => this._wrapCall(original, start, MESSAGES_READER));
    }
    const client = owner((A as { prototype: object }).prototype, 'retryRequest');
    if (client) this._install(client, 'retryRequest', (original: AnyFunction) => this._wrapRetry(original, messagesRetry));
  }

  /** A Messages API call made by `create` (and so by `stream()`, `parse()` and the tool runner, which call it). */
  private _startMessagesCall(resource: unknown, args: unknown[]): StartedCall {
    const body = obj(args[0]);
    const endpoint = this._endpoints.resolve((resource as { _client?: object })._client);
    const model = typeof body?.model === 'string' ? body.model : undefined;
    return { call: new Call(this._recorder, CHAT, endpoint, model, body?.stream === true) };
  }
}
