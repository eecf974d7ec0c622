// Per-call cost arithmetic. Kept allocation-free apart from the returned breakdown: this runs on
// every instrumented LLM call.
import type { CostBreakdown, ModelPrice, TokenUsage } from './types.js';

const PER_MILLION = 1e6;

/** Token counts that are missing, negative or not finite count as 0. */
function tokens(n: number | undefined): number {
  return typeof n === 'number' && n > 0 && n !== Infinity ? n : 0;
}

/**
 * Cost of one call. Inconsistent usage is clamped, never negative: cache reads are capped at the
 * input, cache writes at what input remains, reasoning at the output.
 */
export function computeCost(modelKey: string, price: ModelPrice, usage: TokenUsage): CostBreakdown {
  const input = tokens(usage.inputTokens);
  const output = tokens(usage.outputTokens);
  const cacheRead = Math.min(tokens(usage.cacheReadTokens), input);
  const cacheWrite = Math.min(tokens(usage.cacheWriteTokens), input - cacheRead);
  const reasoning = Math.min(tokens(usage.reasoningTokens), output);

  const inputUsd = ((input - cacheRead - cacheWrite) * price.input) / PER_MILLION;
  const cacheReadUsd = (cacheRead * (price.cachedInput ?? price.input)) / PER_MILLION;
  const cacheWriteUsd = (cacheWrite * (price.cacheWrite ?? price.input)) / PER_MILLION;
  const outputUsd = ((output - reasoning) * price.output) / PER_MILLION;
  const reasoningUsd = (reasoning * (price.reasoningOutput ?? price.output)) / PER_MILLION;
  return {
    totalUsd: inputUsd + cacheReadUsd + cacheWriteUsd + outputUsd + reasoningUsd,
    inputUsd,
    cacheReadUsd,
    cacheWriteUsd,
    outputUsd,
    reasoningUsd,
    modelKey,
  };
}
