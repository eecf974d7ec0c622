// Child: what attribution adds to a call. genai-meter on openai 6 as @genai-meter/node runs it (internal
// aggregation, its attribution source with GENAI_METER_BAGGAGE_ATTRIBUTES=tenant, an AsyncLocalStorage
// context manager as an app with its own OTel SDK has), in one process with the instrumentation switched
// off and on between interleaved rounds, so every mode's baseline is the same process with the same JIT
// state. Modes: a plain call; a call inside withAttributes({ 'genai_meter.feature': 'search' }); a call
// whose active context carries baggage with the allow-listed key `tenant` (and one key that is not).
// "added" for a mode is the paired difference on - off of that same mode.
import { createRequire } from 'node:module';
import { OwnAggregation } from '../../packages/instrumentation-core/src/aggregation.js';
import { Call, type Recorder } from '../../packages/instrumentation-core/src/call.js';
import { AttributeInterner } from '../../packages/instrumentation-core/src/interner.js';
import { ModelLimiter } from '../../packages/instrumentation-core/src/model-limiter.js';
import { OPENAI_RATE_LIMIT_HEADERS } from '../../packages/instrumentation-core/src/rate-limit.js';
import { SeriesRegistry, ServiceTierLimiter } from '../../packages/instrumentation-core/src/series.js';
import { CHAT_MODEL, chatCompletionJson, jsonFetch } from './fixtures.js';
import { emit, flag, median, timeLoop, timeSync } from './stats.js';
import { setupVariant } from './variants.js';

const require = createRequire(import.meta.url);
const rounds = Number(flag('rounds') ?? 15);
const iterations = Number(flag('iterations') ?? 2000);

const api = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks') as typeof import('@opentelemetry/context-async-hooks');
api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const node = require('@genai-meter/node') as typeof import('@genai-meter/node');

const setup = setupVariant('genai-meter', 6, { extraAttributes: node.createAttributeSource({ baggageAttributes: ['tenant'] }) });
const inst = setup.instrumentation!;
const client = new setup.OpenAI({ apiKey: 'sk-bench', fetch: jsonFetch(chatCompletionJson()), maxRetries: 0 });
const call = () => client.chat.completions.create({ model: CHAT_MODEL, messages: [{ role: 'user', content: 'Say hello.' }] });
const baggage = api.propagation.createBaggage({ tenant: { value: 'acme' }, session: { value: 'not-allow-listed' } });
const withBaggage = api.propagation.setBaggage(api.context.active(), baggage);

const SCOPES = {
  plain: call,
  'withAttributes (1 key)': () => node.withAttributes({ 'genai_meter.feature': 'search' }, async () => await call()),
  'baggage (1 allow-listed key)': () => api.context.with(withBaggage, async () => await call()),
} as const;
type Scope = keyof typeof SCOPES;
const MODES = (Object.keys(SCOPES) as Scope[]).flatMap((scope) => [false, true].map((on) => ({ scope, on })));

const run = (mode: (typeof MODES)[number], n: number) => {
  if (mode.on) inst.enable();
  else inst.disable();
  return timeLoop(n, SCOPES[mode.scope]);
};

for (const mode of MODES) await run(mode, iterations);
const cpu = new Map<string, number[]>(MODES.map((m) => [`${m.scope}:${m.on}`, []]));
for (let r = 0; r < rounds; r++) {
  for (let k = 0; k < MODES.length; k++) {
    const mode = MODES[(k + r) % MODES.length]!;
    cpu.get(`${mode.scope}:${mode.on}`)!.push((await run(mode, iterations)).cpuUs);
    await setup.reader.collect();
  }
}
// The points must carry what the scopes set (a mode that recorded nothing would measure nothing).
const { resourceMetrics } = await setup.reader.collect();
const attrs = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics.flatMap((m) => (m.dataPoints as { attributes: Record<string, unknown> }[]).map((p) => p.attributes)));
const recorded = {
  feature: attrs.some((a) => a['genai_meter.feature'] === 'search'),
  tenant: attrs.some((a) => a.tenant === 'acme'),
  notAllowListed: attrs.some((a) => 'session' in a),
};
if (!recorded.feature || !recorded.tenant || recorded.notAllowListed) throw new Error(`attribution not recorded as configured: ${JSON.stringify(recorded)}`);

// genai-meter's own work per call, isolated from the SDK and its allocation (whose GC and JIT noise is
// ±20 µs per round above): one real Call's lifecycle (start with the attribution source, headers, response
// model and tier, usage, finish: duration, tokens, cost through the bundled catalog, internal aggregation),
// minus the same scope around an empty body, so the scope's own cost is on both sides.
const silent = { error() {}, warn() {}, info() {}, debug() {}, verbose() {} };
// The catalog as the instrumentation's package resolves it (its published types).
const { PriceCatalog } = require('@genai-meter/pricing') as typeof import('@genai-meter/pricing');
const recorder: Recorder = {
  series: new SeriesRegistry(new OwnAggregation().metrics, 10_000, undefined, OPENAI_RATE_LIMIT_HEADERS),
  limiter: new ModelLimiter(200),
  pricing: PriceCatalog.bundled(),
  diag: silent,
  extraAttributes: node.createAttributeSource({ baggageAttributes: ['tenant'] }),
  recordTimePerOutputChunk: true,
  warnedUnpriced: new Set(),
  interner: new AttributeInterner(),
  serviceTiers: new ServiceTierLimiter(),
};
const endpoint = { provider: 'openai', address: 'api.openai.com', port: 443, viaGateway: false };
const headers = new Headers({ 'x-ratelimit-remaining-requests': '4999', 'x-ratelimit-limit-requests': '5000' });
const usage = { inputTokens: 120, outputTokens: 40, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
const lifecycle = (): void => {
  const c = new Call(recorder, 'chat', endpoint, CHAT_MODEL, false);
  c.onHeaders(headers);
  c.responseModel = 'gpt-4o-mini-2024-07-18';
  c.serviceTier = 'default';
  c.usage = usage;
  c.finish();
};
const empty = (): void => undefined;
const OWN_SCOPES: Record<Scope, (body: () => void) => void> = {
  plain: (body) => body(),
  'withAttributes (1 key)': (body) => node.withAttributes({ 'genai_meter.feature': 'search' }, body),
  'baggage (1 allow-listed key)': (body) => api.context.with(withBaggage, body),
};
const ownIterations = iterations * 20;
const own = new Map<Scope, number[]>((Object.keys(OWN_SCOPES) as Scope[]).map((s) => [s, []]));
for (const scope of Object.keys(OWN_SCOPES) as Scope[]) timeSync(ownIterations, () => OWN_SCOPES[scope](lifecycle));
for (let r = 0; r < rounds; r++) {
  const scopes = Object.keys(OWN_SCOPES) as Scope[];
  for (let k = 0; k < scopes.length; k++) {
    const scope = scopes[(k + r) % scopes.length]!;
    const withCall = timeSync(ownIterations, () => OWN_SCOPES[scope](lifecycle)).cpuUs;
    const bare = timeSync(ownIterations, () => OWN_SCOPES[scope](empty)).cpuUs;
    own.get(scope)!.push(withCall - bare);
  }
}

const series = (scope: Scope, on: boolean) => cpu.get(`${scope}:${on}`)!;
emit({
  rounds,
  iterations,
  ownIterations,
  own: (Object.keys(OWN_SCOPES) as Scope[]).map((scope) => {
    const d = own.get(scope)!;
    return { name: scope, addedUs: median(d), addedMin: Math.min(...d), addedMax: Math.max(...d) };
  }),
  modes: (Object.keys(SCOPES) as Scope[]).map((scope) => {
    const added = series(scope, true).map((v, i) => v - series(scope, false)[i]!);
    return { name: scope, cpuUsOff: median(series(scope, false)), cpuUsOn: median(series(scope, true)), addedUs: median(added), addedMin: Math.min(...added), addedMax: Math.max(...added) };
  }),
});
