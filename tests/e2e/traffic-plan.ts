// The deterministic traffic of the end-to-end test, and the totals it must produce. Each call's usage
// and fault are dictated to the simulator with x-sim-* headers, so every expected number below is
// computed from this list alone (cost with the same price catalog the instrumentation uses).
//
// Phases: `warmup` makes one call of every shape so that every series exists in Prometheus before
// the bursts (increase()/rate() cannot see what a counter already held in its first sample);
// `burst` carries the faults that must trip the alerts; `outage` runs while the collector is killed.
import { PriceCatalog } from '@genai-meter/pricing';
import { DEFAULT_RESPONSE_MODELS } from '@genai-meter/simulator';

export type Api = 'chat' | 'stream' | 'embeddings' | 'responses';
export type Fault = 'rate_limit' | 'insufficient_quota' | 'server_error' | 'hang' | 'reset' | 'stream_cut';

export interface CallSpec {
  id: string;
  api: Api;
  model: string;
  /** genai_meter.feature, set with withAttributes(). */
  feature: string;
  usage?: { prompt: number; completion?: number; cached?: number; reasoning?: number };
  fault?: Fault;
  /** The fault applies to the first N attempts only (the SDK's retry then succeeds). */
  faultTimes?: number;
  /** plain: maxRetries 0; retrying: maxRetries 2; short: maxRetries 0 and a 300 ms timeout. */
  client: 'plain' | 'retrying' | 'short';
  chunks?: number;
}

export const MODELS = {
  mini: 'gpt-4o-mini',
  responses: 'gpt-4.1',
  embeddings: 'text-embedding-3-small',
  expensive: 'gpt-4o',
  /** Not in the price catalog: tokens are counted, cost is not, the unpriced counter is. */
  unpriced: 'e2e-private-model',
} as const;

/** What the openai SDK throws for each fault (the app reports the error's class name). */
export const FAULT_OUTCOME: Record<Fault, string> = {
  rate_limit: 'RateLimitError',
  // OpenAI sends an exhausted quota as a 429 too.
  insufficient_quota: 'RateLimitError',
  server_error: 'InternalServerError',
  hang: 'APIConnectionTimeoutError',
  reset: 'APIConnectionError',
  // undici's "terminated" surfaces from the stream iterator as a plain TypeError.
  stream_cut: 'TypeError',
};

/** error.type the instrumentation records for each fault. */
export const FAULT_ERROR_TYPE: Record<Fault, string> = {
  rate_limit: 'rate_limit',
  insufficient_quota: 'insufficient_quota',
  server_error: 'server_error',
  hang: 'timeout',
  reset: 'connection',
  stream_cut: 'connection',
};

export function expectedOutcome(c: CallSpec): string {
  if (c.fault === undefined) return 'ok';
  if (c.faultTimes !== undefined && c.client === 'retrying' && c.faultTimes <= 2) return 'ok';
  return FAULT_OUTCOME[c.fault];
}

function builder(phase: string) {
  const calls: CallSpec[] = [];
  const add = (n: number, spec: Omit<CallSpec, 'id'>): void => {
    for (let i = 0; i < n; i++) calls.push({ ...spec, id: `${phase}-${calls.length}` });
  };
  return { calls, add };
}

const chat = (usage: CallSpec['usage']): Omit<CallSpec, 'id'> => ({ api: 'chat', model: MODELS.mini, feature: 'assistant', usage, client: 'plain' });
const stream = (usage: CallSpec['usage']): Omit<CallSpec, 'id'> => ({ api: 'stream', model: MODELS.mini, feature: 'assistant', usage, client: 'plain', chunks: 3 });
const embed = (prompt: number): Omit<CallSpec, 'id'> => ({ api: 'embeddings', model: MODELS.embeddings, feature: 'search', usage: { prompt }, client: 'plain' });
const respond = (usage: CallSpec['usage']): Omit<CallSpec, 'id'> => ({ api: 'responses', model: MODELS.responses, feature: 'review', usage, client: 'plain' });
const report = (usage: CallSpec['usage']): Omit<CallSpec, 'id'> => ({ api: 'chat', model: MODELS.expensive, feature: 'report', usage, client: 'plain' });
const unpriced = (usage: CallSpec['usage']): Omit<CallSpec, 'id'> => ({ api: 'chat', model: MODELS.unpriced, feature: 'assistant', usage, client: 'plain' });
const fault = (f: Fault): Omit<CallSpec, 'id'> => ({
  api: f === 'stream_cut' ? 'stream' : 'chat',
  model: MODELS.mini,
  feature: 'assistant',
  fault: f,
  client: f === 'hang' ? 'short' : 'plain',
  ...(f === 'stream_cut' ? { chunks: 4 } : {}),
});
// A 429 on the first attempt, then the SDK's retry succeeds: one retry counted, tokens of one call.
const retried = (usage: CallSpec['usage']): Omit<CallSpec, 'id'> => ({ ...chat(usage), client: 'retrying', fault: 'rate_limit', faultTimes: 1 });

/** One call of every shape: creates every series before the bursts. */
export function warmupPhase(): CallSpec[] {
  const { calls, add } = builder('warmup');
  add(1, chat({ prompt: 100, completion: 20 }));
  add(1, stream({ prompt: 50, completion: 12 }));
  add(1, embed(30));
  add(1, respond({ prompt: 200, completion: 40, cached: 128, reasoning: 16 }));
  add(1, report({ prompt: 10, completion: 5 }));
  add(1, unpriced({ prompt: 40, completion: 8 }));
  add(1, retried({ prompt: 20, completion: 5 }));
  for (const f of ['rate_limit', 'server_error', 'hang', 'reset', 'stream_cut'] as const) add(1, fault(f));
  return calls;
}

/**
 * The faults that must fire alerts (thresholds in packages/mixin/src/config.ts): > 10 429s in 5m,
 * > 1 5xx per minute over 5m (rate5m * 60, so > 5 in the window), > 5 timeouts in 5m, an error ratio
 * far above the 1% SLO's burn thresholds, two calls refused for an exhausted quota (billing: paged, not
 * in the SLO), one call over $0.50, unpriced calls.
 */
export function burstPhase(): CallSpec[] {
  const { calls, add } = builder('burst');
  add(15, fault('rate_limit'));
  add(2, fault('insufficient_quota'));
  add(10, fault('server_error'));
  add(8, fault('hang'));
  add(2, fault('reset'));
  add(1, fault('stream_cut'));
  // 150k input + 20k output tokens of gpt-4o: $0.375 + $0.20 = $0.575, above the $0.50 bucket.
  add(1, report({ prompt: 150_000, completion: 20_000 }));
  add(2, unpriced({ prompt: 60, completion: 10 }));
  add(10, chat({ prompt: 120, completion: 30 }));
  add(5, stream({ prompt: 80, completion: 16 }));
  add(5, embed(45));
  add(5, respond({ prompt: 300, completion: 60, cached: 256, reasoning: 32 }));
  add(1, retried({ prompt: 20, completion: 5 }));
  return calls;
}

/** Traffic while the collector is dead: must behave exactly the same for the app. */
export function outagePhase(): CallSpec[] {
  const { calls, add } = builder('outage');
  add(5, chat({ prompt: 110, completion: 25 }));
  add(2, stream({ prompt: 70, completion: 14 }));
  add(2, embed(33));
  add(2, respond({ prompt: 250, completion: 50, cached: 128, reasoning: 8 }));
  add(1, fault('rate_limit'));
  add(1, fault('server_error'));
  return calls;
}

/** A short-lived job (its own service): a few dozen calls, then it exits; its only export is the one at exit. */
export function batchPhase(): CallSpec[] {
  const { calls, add } = builder('batch');
  add(12, chat({ prompt: 900, completion: 150 }));
  add(4, report({ prompt: 2_000, completion: 400 }));
  add(3, embed(500));
  add(2, fault('rate_limit'));
  return calls;
}

/** The response model the simulator reports for a request model (unknown models are echoed). */
export function responseModel(requestModel: string): string {
  return (DEFAULT_RESPONSE_MODELS as Record<string, string>)[requestModel] ?? requestModel;
}

/** Key of an expected series: labels joined as k=v in the given order. */
export type Totals = Map<string, number>;
const add = (m: Totals, key: string, v: number): void => {
  m.set(key, (m.get(key) ?? 0) + v);
};

export interface Expected {
  /** `model|operation|feature|error_type` -> calls (gen_ai_client_operation_duration_seconds_count). */
  calls: Totals;
  /** `model|operation|feature|token_type` -> tokens (gen_ai_client_token_usage_sum). */
  tokens: Totals;
  /** `model|feature` -> USD (gen_ai_usage_cost_USD_sum). */
  cost: Totals;
  /** `model|feature` -> priced calls (gen_ai_usage_cost_USD_count). */
  pricedCalls: Totals;
  /** `model|feature` -> calls without a price (genai_meter_client_unpriced_calls_total). */
  unpricedCalls: Totals;
  /** `model|token_detail` -> tokens (genai_meter_client_token_details_total). */
  tokenDetails: Totals;
  /** `model` -> SDK retries (genai_meter_client_retries_total). */
  retries: Totals;
  /** Calls that cost more than $0.50 each. */
  expensiveCalls: number;
  totalCostUSD: number;
}

const OPERATION: Record<Api, string> = { chat: 'chat', stream: 'chat', embeddings: 'embeddings', responses: 'chat' };

/** The exact series totals that `calls` must produce on each path. */
export function expectedTotals(calls: readonly CallSpec[], catalog = PriceCatalog.load()): Expected {
  const e: Expected = {
    calls: new Map(),
    tokens: new Map(),
    cost: new Map(),
    pricedCalls: new Map(),
    unpricedCalls: new Map(),
    tokenDetails: new Map(),
    retries: new Map(),
    expensiveCalls: 0,
    totalCostUSD: 0,
  };
  for (const c of calls) {
    const op = OPERATION[c.api];
    const outcome = expectedOutcome(c);
    const errorType = outcome === 'ok' ? '' : FAULT_ERROR_TYPE[c.fault!];
    add(e.calls, `${c.model}|${op}|${c.feature}|${errorType}`, 1);
    if (c.fault !== undefined && c.client === 'retrying') add(e.retries, c.model, c.faultTimes ?? 2);
    if (outcome !== 'ok' || !c.usage) continue;
    const u = { completion: 0, cached: 0, reasoning: 0, ...c.usage };
    add(e.tokens, `${c.model}|${op}|${c.feature}|input`, u.prompt);
    if (c.api !== 'embeddings') add(e.tokens, `${c.model}|${op}|${c.feature}|output`, u.completion);
    if (u.cached > 0) add(e.tokenDetails, `${c.model}|cache_read`, u.cached);
    if (u.reasoning > 0) add(e.tokenDetails, `${c.model}|reasoning`, u.reasoning);
    const cost = catalog.costFor([responseModel(c.model), c.model], {
      inputTokens: u.prompt,
      outputTokens: c.api === 'embeddings' ? 0 : u.completion,
      cacheReadTokens: u.cached,
      cacheWriteTokens: 0,
      reasoningTokens: u.reasoning,
    });
    if (cost) {
      add(e.cost, `${c.model}|${c.feature}`, cost.totalUsd);
      add(e.pricedCalls, `${c.model}|${c.feature}`, 1);
      e.totalCostUSD += cost.totalUsd;
      if (cost.totalUsd > 0.5) e.expensiveCalls++;
    } else {
      add(e.unpricedCalls, `${c.model}|${c.feature}`, 1);
    }
  }
  return e;
}
