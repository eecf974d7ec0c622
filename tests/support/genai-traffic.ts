// A fixed, realistic batch of genai-meter measurements, recorded through the real OpenTelemetry API on
// instruments created exactly as METRICS defines them (name, kind, unit, buckets). Pipeline tests
// send it through a path (OTLP -> collector, direct scrape, ...) and assert what comes out, so the
// expected totals below are the single statement of what was recorded.

import type { Attributes, Meter } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_GENAI_METER_RATE_LIMIT_TYPE,
  ATTR_GENAI_METER_TOKEN_DETAIL,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  METRICS,
  type MetricDefinition,
  type MetricKey,
} from '../../packages/instrumentation-openai/src/semconv.js';

/** Resource of the sample service. Only service.*, deployment.environment.name should become labels. */
export const SAMPLE_RESOURCE: Attributes = {
  'service.name': 'checkout-api',
  'service.namespace': 'shop',
  'service.instance.id': 'checkout-api-7d9f-1',
  'service.version': '1.4.2',
  'deployment.environment.name': 'production',
  'host.name': 'node-a',
};

/** The attributes every call carries (a chat call to OpenAI). */
export const CALL: Attributes = {
  [ATTR_GEN_AI_OPERATION_NAME]: 'chat',
  [ATTR_GEN_AI_PROVIDER_NAME]: 'openai',
  [ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o-mini',
  [ATTR_GEN_AI_RESPONSE_MODEL]: 'gpt-4o-mini-2024-07-18',
  [ATTR_SERVER_ADDRESS]: 'api.openai.com',
  [ATTR_SERVER_PORT]: 443,
};

/** A call that failed with 429 after the SDK's retries (no response model). */
export const RATE_LIMITED_CALL: Attributes = {
  [ATTR_GEN_AI_OPERATION_NAME]: 'chat',
  [ATTR_GEN_AI_PROVIDER_NAME]: 'openai',
  [ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o-mini',
  [ATTR_SERVER_ADDRESS]: 'api.openai.com',
  [ATTR_SERVER_PORT]: 443,
  [ATTR_ERROR_TYPE]: 'rate_limit',
  [ATTR_HTTP_RESPONSE_STATUS_CODE]: 429,
};

/** What recordSampleTraffic records, for exact assertions downstream. */
export const EXPECTED = {
  durationOk: { count: 2, sum: 0.85 + 1.7 },
  durationRateLimited: { count: 1, sum: 0.12 },
  inputTokens: { count: 2, sum: 1200 + 800 },
  outputTokens: { count: 2, sum: 350 + 150 },
  timeToFirstChunk: { count: 1, sum: 0.31 },
  timePerOutputChunk: { count: 3, sum: 0.02 + 0.03 + 0.025 },
  cost: { count: 2, sum: 0.00039 + 0.00021 },
  activeRequests: 1,
  retries: 2,
  rateLimitRemaining: { requests: 9998, tokens: 149650 },
  rateLimitLimit: { requests: 10000, tokens: 150000 },
  tokenDetails: { cache_read: 1024, reasoning: 128 },
  unpricedCalls: 1,
} as const;

type AnyInstrument = {
  record?: (v: number, a?: Attributes) => void;
  add?: (v: number, a?: Attributes) => void;
};

function create(meter: Meter, def: MetricDefinition): AnyInstrument {
  const base = { unit: def.unit, description: def.description };
  switch (def.kind) {
    case 'histogram':
      return meter.createHistogram(def.name, { ...base, advice: { explicitBucketBoundaries: [...(def.buckets ?? [])] } });
    case 'counter':
      return meter.createCounter(def.name, base);
    case 'updowncounter':
      return meter.createUpDownCounter(def.name, base);
    case 'gauge':
      return meter.createGauge(def.name, base);
  }
}

/** Creates every instrument of METRICS on `meter` and records the sample traffic once. */
export function recordSampleTraffic(meter: Meter): void {
  const i = Object.fromEntries(
    (Object.keys(METRICS) as MetricKey[]).map((k) => [k, create(meter, METRICS[k])]),
  ) as Record<MetricKey, AnyInstrument>;
  const record = (k: MetricKey, v: number, a: Attributes): void => {
    const instrument = i[k];
    if (instrument.record) instrument.record(v, a);
    else instrument.add?.(v, a);
  };

  record('duration', 0.85, CALL);
  record('duration', 1.7, CALL);
  record('duration', 0.12, RATE_LIMITED_CALL);
  record('tokenUsage', 1200, { ...CALL, [ATTR_GEN_AI_TOKEN_TYPE]: 'input' });
  record('tokenUsage', 350, { ...CALL, [ATTR_GEN_AI_TOKEN_TYPE]: 'output' });
  record('tokenUsage', 800, { ...CALL, [ATTR_GEN_AI_TOKEN_TYPE]: 'input' });
  record('tokenUsage', 150, { ...CALL, [ATTR_GEN_AI_TOKEN_TYPE]: 'output' });
  record('timeToFirstChunk', 0.31, CALL);
  for (const v of [0.02, 0.03, 0.025]) record('timePerOutputChunk', v, CALL);
  record('cost', 0.00039, CALL);
  record('cost', 0.00021, CALL);
  // Two calls started, one finished: one in flight.
  record('activeRequests', 1, { [ATTR_GEN_AI_OPERATION_NAME]: 'chat', [ATTR_GEN_AI_PROVIDER_NAME]: 'openai', [ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o-mini' });
  record('activeRequests', 1, { [ATTR_GEN_AI_OPERATION_NAME]: 'chat', [ATTR_GEN_AI_PROVIDER_NAME]: 'openai', [ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o-mini' });
  record('activeRequests', -1, { [ATTR_GEN_AI_OPERATION_NAME]: 'chat', [ATTR_GEN_AI_PROVIDER_NAME]: 'openai', [ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o-mini' });
  record('retries', 2, { [ATTR_GEN_AI_PROVIDER_NAME]: 'openai', [ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o-mini', [ATTR_ERROR_TYPE]: 'rate_limit' });
  const rl = { [ATTR_GEN_AI_PROVIDER_NAME]: 'openai', [ATTR_SERVER_ADDRESS]: 'api.openai.com', [ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o-mini' };
  record('rateLimitRemaining', 9998, { ...rl, [ATTR_GENAI_METER_RATE_LIMIT_TYPE]: 'requests' });
  record('rateLimitRemaining', 149650, { ...rl, [ATTR_GENAI_METER_RATE_LIMIT_TYPE]: 'tokens' });
  record('rateLimitLimit', 10000, { ...rl, [ATTR_GENAI_METER_RATE_LIMIT_TYPE]: 'requests' });
  record('rateLimitLimit', 150000, { ...rl, [ATTR_GENAI_METER_RATE_LIMIT_TYPE]: 'tokens' });
  record('tokenDetails', 1024, { ...CALL, [ATTR_GEN_AI_TOKEN_TYPE]: 'input', [ATTR_GENAI_METER_TOKEN_DETAIL]: 'cache_read' });
  record('tokenDetails', 128, { ...CALL, [ATTR_GEN_AI_TOKEN_TYPE]: 'output', [ATTR_GENAI_METER_TOKEN_DETAIL]: 'reasoning' });
  record('unpricedCalls', 1, { [ATTR_GEN_AI_OPERATION_NAME]: 'chat', [ATTR_GEN_AI_PROVIDER_NAME]: 'openai', [ATTR_GEN_AI_REQUEST_MODEL]: 'ft:gpt-4o-mini:acme::abc123' });
}
