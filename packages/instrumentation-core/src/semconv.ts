// The one definition of every metric and attribute genai-meter emits. The instrumentation creates
// its instruments from METRICS; the mixin derives Prometheus names, dashboards and rules from it;
// tests and docs import the same constants, so a rename cannot leave a panel empty.
//
// GenAI semantic conventions v1.41.0 (semantic-conventions-genai). Names under `genai_meter.*`
// are this project's own and are documented in the package README.

export const SEMCONV_VERSION = '1.41.0';

/**
 * Every genai-meter instrumentation's scope (meter) name starts with this. Other instrumentations in the
 * same process (the contrib @opentelemetry/instrumentation-openai, OpenLIT) record the same semconv metric
 * names under their own scope: rules and dashboards select `otel_scope_name=~"@genai-meter/.+"` so that a
 * call is never counted twice.
 */
export const GENAI_METER_SCOPE_PREFIX = '@genai-meter/';

// ---- attributes (semconv) ----
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
export const ATTR_GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name';
export const ATTR_GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
export const ATTR_GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
export const ATTR_GEN_AI_TOKEN_TYPE = 'gen_ai.token.type';
export const ATTR_SERVER_ADDRESS = 'server.address';
export const ATTR_SERVER_PORT = 'server.port';
export const ATTR_ERROR_TYPE = 'error.type';
export const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';
/** semconv (openai registry): the service tier the provider says served the call (default, flex, priority, scale). */
export const ATTR_OPENAI_RESPONSE_SERVICE_TIER = 'openai.response.service_tier';

// ---- attributes (genai-meter) ----
/** Which subset of tokens a `genai_meter.client.token.details` point counts. */
export const ATTR_GENAI_METER_TOKEN_DETAIL = 'genai_meter.token.detail';
/** Where a `gen_ai.usage.cost` point's figure comes from: the provider's own report, or the price catalog. */
export const ATTR_GENAI_METER_COST_SOURCE = 'genai_meter.cost.source';
/** `requests` or `tokens`: which rate limit a `genai_meter.client.rate_limit.*` gauge describes. */
export const ATTR_GENAI_METER_RATE_LIMIT_TYPE = 'genai_meter.rate_limit.type';

export const GEN_AI_OPERATION_NAME_VALUES = {
  CHAT: 'chat',
  /** Multimodal content generation (semconv's value for Gemini's generateContent). */
  GENERATE_CONTENT: 'generate_content',
  TEXT_COMPLETION: 'text_completion',
  EMBEDDINGS: 'embeddings',
} as const;

/**
 * `gen_ai.operation.name` values of genai-meter's own, for billed endpoints semconv has no value for
 * (OpenAI's images, audio and moderation APIs). Verb_noun like semconv's `generate_content`; should
 * semconv define one of these operations, its value replaces ours.
 */
export const GENAI_METER_OPERATION_NAME_VALUES = {
  /** Images from a prompt (`images.generate`). */
  GENERATE_IMAGE: 'generate_image',
  /** Images made from input images: edits and variations (`images.edit`, `images.createVariation`). */
  EDIT_IMAGE: 'edit_image',
  /** Speech to text in its own language (`audio.transcriptions`). */
  TRANSCRIBE_AUDIO: 'transcribe_audio',
  /** Speech to English text (`audio.translations`). */
  TRANSLATE_AUDIO: 'translate_audio',
  /** Text to speech (`audio.speech`). */
  GENERATE_SPEECH: 'generate_speech',
  /** Content classified for policy violations (`moderations`). */
  MODERATE_CONTENT: 'moderate_content',
} as const;

export const GEN_AI_TOKEN_TYPE_VALUES = { INPUT: 'input', OUTPUT: 'output' } as const;

export const TOKEN_DETAIL_VALUES = {
  /** Input tokens read from the provider's prompt cache (subset of input). */
  CACHE_READ: 'cache_read',
  /** Input tokens written to the provider's prompt cache (subset of input). */
  CACHE_WRITE: 'cache_write',
  /** Output tokens spent on reasoning (subset of output). */
  REASONING: 'reasoning',
} as const;

export const RATE_LIMIT_TYPE_VALUES = { REQUESTS: 'requests', TOKENS: 'tokens' } as const;

/**
 * `genai_meter.cost.source` values. The semconv cost proposal (semantic-conventions-genai#443, open) has
 * not settled its attribute, so this one is genai-meter's own.
 */
export const COST_SOURCE_VALUES = {
  /** The response carried its own cost (OpenRouter `usage.cost`, LiteLLM proxy `x-litellm-response-cost`). */
  PROVIDER: 'provider',
  /** Computed from the price catalog and the reported usage. */
  CATALOG: 'catalog',
} as const;

/**
 * `error.type` values: a closed, low-cardinality set. `_OTHER` is semconv's fallback.
 * The HTTP status, when there was one, is also set as `http.response.status_code`.
 * ERROR_TYPE_CLASSES says which of them count against the provider's availability.
 */
export const ERROR_TYPE_VALUES = {
  /** HTTP 429 from the provider (after the SDK's own retries), or a rate-limit error inside a stream. */
  RATE_LIMIT: 'rate_limit',
  /**
   * Quota or billing exhausted: OpenAI's `insufficient_quota` (sent as HTTP 429), HTTP 402 (DeepSeek, relays:
   * insufficient balance). Retrying does not help; someone has to pay or raise a limit.
   */
  INSUFFICIENT_QUOTA: 'insufficient_quota',
  /** HTTP 5xx (529 overloaded included), or a server error reported inside a stream (`response.failed`, an error event). */
  SERVER_ERROR: 'server_error',
  /** The SDK's request timeout fired (APIConnectionTimeoutError) or HTTP 408. */
  TIMEOUT: 'timeout',
  /** No HTTP response: refused, reset, DNS (APIConnectionError), or a stream cut off mid-way. */
  CONNECTION: 'connection',
  /** HTTP 401 or 403. */
  AUTH: 'auth',
  /** Any other HTTP 4xx (400, 404, 409, 422, ...), or an invalid-request error reported inside a stream. */
  BAD_REQUEST: 'bad_request',
  /** The caller aborted the request (AbortSignal, controller.abort()) or abandoned a stream before its answer was complete. */
  CANCELLED: 'cancelled',
  /**
   * A Responses API call that ended `incomplete` (HTTP 200): the output limit (`max_output_tokens`) or a
   * content filter stopped it. The caller's settings, not the provider's health.
   */
  INCOMPLETE: 'incomplete',
  /** A 2xx response whose body could not be parsed. */
  INVALID_RESPONSE: 'invalid_response',
  OTHER: '_OTHER',
} as const;
export type ErrorType = (typeof ERROR_TYPE_VALUES)[keyof typeof ERROR_TYPE_VALUES];

/**
 * What each `error.type` says about whom, for rules and dashboards:
 * - `provider`: the provider path failed (availability SLO, error ratio, outage alerts);
 * - `billing`: quota or balance exhausted (its own page: nothing recovers by itself);
 * - `client`: the caller's request or credentials are wrong (its own signal, never an outage);
 * - `caller`: the caller stopped (user pressed stop, an abort): not a failure of anything.
 */
export const ERROR_TYPE_CLASSES = {
  provider: [
    ERROR_TYPE_VALUES.RATE_LIMIT,
    ERROR_TYPE_VALUES.SERVER_ERROR,
    ERROR_TYPE_VALUES.TIMEOUT,
    ERROR_TYPE_VALUES.CONNECTION,
    ERROR_TYPE_VALUES.INVALID_RESPONSE,
    ERROR_TYPE_VALUES.OTHER,
  ],
  billing: [ERROR_TYPE_VALUES.INSUFFICIENT_QUOTA],
  client: [ERROR_TYPE_VALUES.AUTH, ERROR_TYPE_VALUES.BAD_REQUEST, ERROR_TYPE_VALUES.INCOMPLETE],
  caller: [ERROR_TYPE_VALUES.CANCELLED],
} as const satisfies Record<string, readonly ErrorType[]>;

// ---- bucket boundaries ----
/** semconv advice for gen_ai.client.operation.* durations: 0.01 s doubling to 81.92 s. */
export const DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
/** semconv advice for gen_ai.client.token.usage: powers of 4 from 1 to 4^13. */
export const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
/** Per-call cost in USD: resolves a hundredth of a cent up to $100; 0.5 marks the "expensive call" alert. */
export const COST_BUCKETS = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100];

// ---- metrics ----
export type InstrumentKind = 'histogram' | 'counter' | 'updowncounter' | 'gauge';

export interface MetricDefinition {
  readonly name: string;
  readonly kind: InstrumentKind;
  readonly unit: string;
  readonly description: string;
  readonly buckets?: readonly number[];
  /** True for names that semconv defines; false for genai-meter's own. */
  readonly semconv: boolean;
}

export const METRIC_GEN_AI_CLIENT_OPERATION_DURATION = 'gen_ai.client.operation.duration';
export const METRIC_GEN_AI_CLIENT_TOKEN_USAGE = 'gen_ai.client.token.usage';
export const METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK = 'gen_ai.client.operation.time_to_first_chunk';
export const METRIC_GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK = 'gen_ai.client.operation.time_per_output_chunk';
export const METRIC_GEN_AI_USAGE_COST = 'gen_ai.usage.cost';
export const METRIC_GENAI_METER_ACTIVE_REQUESTS = 'genai_meter.client.active_requests';
export const METRIC_GENAI_METER_RETRIES = 'genai_meter.client.retries';
export const METRIC_GENAI_METER_RATE_LIMIT_REMAINING = 'genai_meter.client.rate_limit.remaining';
export const METRIC_GENAI_METER_RATE_LIMIT_LIMIT = 'genai_meter.client.rate_limit.limit';
export const METRIC_GENAI_METER_TOKEN_DETAILS = 'genai_meter.client.token.details';
export const METRIC_GENAI_METER_UNPRICED_CALLS = 'genai_meter.client.unpriced_calls';

export const METRICS = {
  duration: {
    name: METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
    kind: 'histogram',
    unit: 's',
    description: 'GenAI operation duration.',
    buckets: DURATION_BUCKETS,
    semconv: true,
  },
  tokenUsage: {
    name: METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
    kind: 'histogram',
    unit: '{token}',
    description: 'Number of input and output tokens used.',
    buckets: TOKEN_BUCKETS,
    semconv: true,
  },
  timeToFirstChunk: {
    name: METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK,
    kind: 'histogram',
    unit: 's',
    description: 'Time from issuing a streaming request to receiving the first chunk.',
    buckets: DURATION_BUCKETS,
    semconv: true,
  },
  timePerOutputChunk: {
    name: METRIC_GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK,
    kind: 'histogram',
    unit: 's',
    description: 'Time between consecutive chunks of a stream, for every chunk after the first.',
    buckets: DURATION_BUCKETS,
    semconv: true,
  },
  cost: {
    name: METRIC_GEN_AI_USAGE_COST,
    kind: 'histogram',
    unit: 'USD',
    description: 'Cost of one call in US dollars, from the price catalog and the usage the provider reported.',
    buckets: COST_BUCKETS,
    semconv: false,
  },
  activeRequests: {
    name: METRIC_GENAI_METER_ACTIVE_REQUESTS,
    kind: 'updowncounter',
    unit: '{request}',
    description: 'Calls started and not yet finished (in flight).',
    semconv: false,
  },
  retries: {
    name: METRIC_GENAI_METER_RETRIES,
    kind: 'counter',
    unit: '{retry}',
    description: 'Retry attempts the SDK made internally (each one is an extra HTTP request).',
    semconv: false,
  },
  rateLimitRemaining: {
    name: METRIC_GENAI_METER_RATE_LIMIT_REMAINING,
    kind: 'gauge',
    unit: '{count}',
    description: "Requests or tokens left in the current rate-limit window, from the provider's last rate-limit response headers, until the window resets.",
    semconv: false,
  },
  rateLimitLimit: {
    name: METRIC_GENAI_METER_RATE_LIMIT_LIMIT,
    kind: 'gauge',
    unit: '{count}',
    description: "Size of the rate-limit window, from the provider's last rate-limit response headers.",
    semconv: false,
  },
  tokenDetails: {
    name: METRIC_GENAI_METER_TOKEN_DETAILS,
    kind: 'counter',
    unit: '{token}',
    description: 'Tokens that are a subset of gen_ai.client.token.usage: cache_read and cache_write (of input), reasoning (of output).',
    semconv: false,
  },
  unpricedCalls: {
    name: METRIC_GENAI_METER_UNPRICED_CALLS,
    kind: 'counter',
    unit: '{call}',
    description: 'Calls that reported usage for a model the price catalog does not know; they carry no cost.',
    semconv: false,
  },
} as const satisfies Record<string, MetricDefinition>;

export type MetricKey = keyof typeof METRICS;

/** Attribute set value for the overflow series when a model is over the cardinality budget. */
export const MODEL_OVERFLOW_VALUE = '_OTHER';
