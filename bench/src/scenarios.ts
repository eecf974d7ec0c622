// The measured calls. Each scenario has its own client whose fetch returns that scenario's canned answer.
import { CHAT_MODEL, EMBEDDING_MODEL, chatCompletionJson, chatStreamEvents, embeddingJson, jsonFetch, sseFetch } from './fixtures.js';
import type { OpenAIModule } from './variants.js';

export const SCENARIOS = ['chat', 'stream50', 'stream500', 'embeddings'] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** Chunks with a choice in each streaming scenario (plus one usage-only chunk). */
export const STREAM_CHUNKS: Partial<Record<Scenario, number>> = { stream50: 50, stream500: 500 };

const MESSAGES = [{ role: 'user', content: 'Say hello.' }];

export type CallFn = () => Promise<unknown>;

export function makeCall(OpenAI: OpenAIModule, scenario: Scenario): CallFn {
  if (scenario === 'chat') {
    const client = new OpenAI({ apiKey: 'sk-bench', fetch: jsonFetch(chatCompletionJson()) });
    return () => client.chat.completions.create({ model: CHAT_MODEL, messages: MESSAGES });
  }
  if (scenario === 'embeddings') {
    const client = new OpenAI({ apiKey: 'sk-bench', fetch: jsonFetch(embeddingJson()) });
    return () => client.embeddings.create({ model: EMBEDDING_MODEL, input: 'hello world', encoding_format: 'float' });
  }
  const chunks = STREAM_CHUNKS[scenario] as number;
  const client = new OpenAI({ apiKey: 'sk-bench', fetch: sseFetch(chatStreamEvents(chunks)) });
  return async () => {
    const stream = await client.chat.completions.create({
      model: CHAT_MODEL,
      messages: MESSAGES,
      stream: true,
      stream_options: { include_usage: true },
    });
    let n = 0;
    for await (const _chunk of stream) n++;
    // Every chunk reaches the caller, the usage-only one included (the caller asked for it).
    if (n !== chunks + 1) throw new Error(`stream yielded ${n} chunks, expected ${chunks + 1}`);
    return n;
  };
}
