// What the CJS and ESM examples must produce: every number follows from the simulator's deterministic
// usage for their three calls (chat 14 in, stream 13 in, 60 out each; embeddings 12 in) and the bundled prices.
import { expect } from 'vitest';
import { total, type Sample } from './prometheus-text.js';

export const EXAMPLE = {
  chatInput: 14 + 13,
  chatOutput: 60 + 60,
  embeddingsInput: 12,
  /** gpt-4o-mini: $0.15 / $0.60 per million input / output tokens. */
  chatCost: (27 * 0.15 + 120 * 0.6) / 1e6,
  /** text-embedding-3-small: $0.02 per million tokens. */
  embeddingsCost: (12 * 0.02) / 1e6,
};

export function expectExampleSeries(samples: Sample[]): void {
  const chat = { gen_ai_operation_name: 'chat', gen_ai_request_model: 'gpt-4o-mini', gen_ai_provider_name: 'openai' };
  const emb = { gen_ai_operation_name: 'embeddings', gen_ai_request_model: 'text-embedding-3-small' };
  expect(total(samples, 'gen_ai_client_token_usage_sum', { ...chat, gen_ai_token_type: 'input' })).toBe(EXAMPLE.chatInput);
  expect(total(samples, 'gen_ai_client_token_usage_sum', { ...chat, gen_ai_token_type: 'output' })).toBe(EXAMPLE.chatOutput);
  expect(total(samples, 'gen_ai_client_token_usage_count', { ...chat, gen_ai_token_type: 'input' })).toBe(2);
  expect(total(samples, 'gen_ai_client_token_usage_sum', { ...emb, gen_ai_token_type: 'input' })).toBe(EXAMPLE.embeddingsInput);
  expect(total(samples, 'gen_ai_client_token_usage_sum', { ...emb, gen_ai_token_type: 'output' })).toBe(0);
  expect(total(samples, 'gen_ai_client_operation_duration_count', chat)).toBe(2);
  expect(total(samples, 'gen_ai_client_operation_duration_count', emb)).toBe(1);
  expect(total(samples, 'gen_ai_client_operation_time_to_first_chunk_count', chat)).toBe(1);
  expect(total(samples, 'gen_ai_usage_cost_sum', chat)).toBeCloseTo(EXAMPLE.chatCost, 12);
  expect(total(samples, 'gen_ai_usage_cost_sum', emb)).toBeCloseTo(EXAMPLE.embeddingsCost, 14);
  // No failed calls.
  expect(samples.filter((s) => s.name.startsWith('gen_ai_client_operation_duration') && s.labels.error_type !== undefined)).toEqual([]);
}
