// Canned OpenAI responses served by an in-process `fetch`, so a benchmark call runs the whole openai SDK
// (request building, response parsing, SSE decoding) but never the network, whose jitter would drown
// a difference of a few microseconds.

export const CHAT_MODEL = 'gpt-4o-mini';
export const CHAT_RESPONSE_MODEL = 'gpt-4o-mini-2024-07-18';
export const EMBEDDING_MODEL = 'text-embedding-3-small';
/** Dimensions of the canned embedding: small, so JSON parsing of floats does not dominate the call. */
export const EMBEDDING_DIMENSIONS = 256;

export const USAGE = {
  prompt_tokens: 19,
  completion_tokens: 10,
  total_tokens: 29,
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
};

/** What OpenAI sends on every response; genai-meter reads the x-ratelimit-* ones. */
const COMMON_HEADERS: Record<string, string> = {
  'x-request-id': 'req_bench0000000000000000',
  'openai-processing-ms': '120',
  'x-ratelimit-limit-requests': '10000',
  'x-ratelimit-limit-tokens': '10000000',
  'x-ratelimit-remaining-requests': '9999',
  'x-ratelimit-remaining-tokens': '9999971',
};
const JSON_HEADERS = { ...COMMON_HEADERS, 'content-type': 'application/json' };
const SSE_HEADERS = { ...COMMON_HEADERS, 'content-type': 'text/event-stream; charset=utf-8' };

export type FetchLike = (url: unknown, init?: unknown) => Promise<Response>;

export function chatCompletionJson(model: string = CHAT_RESPONSE_MODEL): string {
  return JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: 1_760_000_000,
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'Hello! How can I help you today?', refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: USAGE,
    service_tier: 'default',
    system_fingerprint: 'fp_bench',
  });
}

export function embeddingJson(): string {
  const embedding = Array.from({ length: EMBEDDING_DIMENSIONS }, (_, i) => Math.round(Math.sin(i) * 1e6) / 1e6);
  return JSON.stringify({
    object: 'list',
    data: [{ object: 'embedding', index: 0, embedding }],
    model: EMBEDDING_MODEL,
    usage: { prompt_tokens: 8, total_tokens: 8 },
  });
}

/**
 * SSE events of a streamed chat completion with `chunks` chunks that carry a choice (role first, content,
 * finish_reason last), then the usage-only chunk that stream_options.include_usage asks for, then [DONE].
 * With includeUsage false, what the API sends without that option: no `usage` key and no usage chunk.
 */
export function chatStreamEvents(chunks: number, includeUsage = true): Uint8Array[] {
  const enc = new TextEncoder();
  const base = { id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1_760_000_000, model: CHAT_RESPONSE_MODEL, system_fingerprint: 'fp_bench' };
  const events: Uint8Array[] = [];
  const push = (payload: unknown) => events.push(enc.encode(`data: ${JSON.stringify(payload)}\n\n`));
  for (let i = 0; i < chunks; i++) {
    const delta = i === 0 ? { role: 'assistant', content: '', refusal: null } : i === chunks - 1 ? {} : { content: ` tok${i}` };
    const finish = i === chunks - 1 ? 'stop' : null;
    const choice = { index: 0, delta, logprobs: null, finish_reason: finish };
    push(includeUsage ? { ...base, service_tier: 'default', choices: [choice], usage: null } : { ...base, service_tier: 'default', choices: [choice] });
  }
  if (includeUsage) push({ ...base, service_tier: 'default', choices: [], usage: { ...USAGE, completion_tokens: chunks, total_tokens: USAGE.prompt_tokens + chunks } });
  events.push(enc.encode('data: [DONE]\n\n'));
  return events;
}

/** A fetch that answers every request with the same JSON body. */
export function jsonFetch(body: string): FetchLike {
  return async () => new Response(body, { status: 200, headers: JSON_HEADERS });
}

/** A fetch that answers every request with the same SSE stream, one event per read. */
export function sseFetch(events: Uint8Array[]): FetchLike {
  return async () =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (const e of events) controller.enqueue(e);
          controller.close();
        },
      }),
      { status: 200, headers: SSE_HEADERS },
    );
}

/** A fetch whose JSON body echoes the requested model (for series generation with distinct models). */
export function echoModelFetch(): FetchLike {
  return async (_url, init) => {
    const body = JSON.parse(String((init as { body?: unknown } | undefined)?.body ?? '{}')) as { model?: string };
    return new Response(chatCompletionJson(body.model ?? CHAT_RESPONSE_MODEL), { status: 200, headers: JSON_HEADERS });
  };
}
