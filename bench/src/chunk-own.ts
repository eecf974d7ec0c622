// Child: genai-meter's own per-chunk work, isolated from the SDK's stream parsing. A source async generator
// yields prebuilt chat.completion.chunk objects (what openai's Stream yields after parsing SSE), iterated
// bare and through genai-meter's observed iterator with a real Call recording into the internal
// aggregation, rounds interleaved in one process. The difference per chunk is the wrapper's promise hop,
// reading the chunk, and the per-chunk clock read and record. Through the real SDK (stream-split.ts) the
// same figure drowns in ±0.4 µs/chunk of noise from SSE parsing.
import { OwnAggregation } from '../../packages/instrumentation-core/src/aggregation.js';
import { Call, type Recorder } from '../../packages/instrumentation-core/src/call.js';
import { ModelLimiter } from '../../packages/instrumentation-core/src/model-limiter.js';
import { AttributeInterner } from '../../packages/instrumentation-core/src/interner.js';
import { OPENAI_RATE_LIMIT_HEADERS } from '../../packages/instrumentation-core/src/rate-limit.js';
import { SeriesRegistry, ServiceTierLimiter } from '../../packages/instrumentation-core/src/series.js';
import { observeStream, type ChunkObserver, type StreamLike } from '../../packages/instrumentation-core/src/stream.js';
import { observeCompletionChunk as openaiChunks } from '../../packages/instrumentation-openai/src/chunks.js';
import { emit, flag, median, timeLoop } from './stats.js';

const chunks = Number(flag('chunks') ?? 500);
const rounds = Number(flag('rounds') ?? 15);
const streams = Number(flag('streams') ?? 200);

const silent = { error() {}, warn() {}, info() {}, debug() {}, verbose() {} };
const recorder = (perChunkRecord: boolean): Recorder => ({
  series: new SeriesRegistry(new OwnAggregation().metrics, 10_000, undefined, OPENAI_RATE_LIMIT_HEADERS),
  limiter: new ModelLimiter(200),
  pricing: undefined,
  diag: silent,
  extraAttributes: undefined,
  recordTimePerOutputChunk: perChunkRecord,
  warnedUnpriced: new Set(),
  interner: new AttributeInterner(),
  serviceTiers: new ServiceTierLimiter(),
});
// openai's chunk observer is typed against the core package's published Call, this file against its source.
const observeCompletionChunk = openaiChunks as unknown as ChunkObserver;
const endpoint = { provider: 'openai', address: 'api.openai.com', port: 443, viaGateway: false };
const prebuilt = Array.from({ length: chunks }, () => ({
  id: 'chatcmpl-bench',
  object: 'chat.completion.chunk',
  created: 0,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [{ index: 0, delta: { content: 'x' }, finish_reason: null }],
}));
async function* source(): AsyncGenerator<unknown> {
  for (const c of prebuilt) yield c;
}
const stream = (): StreamLike => ({ iterator: source as StreamLike['iterator'], controller: new AbortController() });

const iterate = (s: StreamLike): AsyncIterable<unknown> => ({ [Symbol.asyncIterator]: () => s.iterator() });
const bare = async () => {
  for await (const _ of iterate(stream()));
};
const observed = (rec: Recorder) => async () => {
  const s = stream();
  observeStream(s, new Call(rec, 'chat', endpoint, 'gpt-4o-mini', true), observeCompletionChunk, silent);
  for await (const _ of iterate(s));
};
const modes = { 'per-chunk record on (default)': observed(recorder(true)), 'per-chunk record off': observed(recorder(false)) };

for (const fn of [bare, ...Object.values(modes)]) await timeLoop(streams, fn);
const diffs = new Map<string, number[]>(Object.keys(modes).map((k) => [k, []]));
for (let r = 0; r < rounds; r++) {
  for (const [name, fn] of Object.entries(modes)) {
    const base = await timeLoop(streams, bare);
    const with_ = await timeLoop(streams, fn);
    diffs.get(name)!.push((with_.cpuUs - base.cpuUs) / chunks);
  }
}
emit({
  chunks,
  rounds,
  streams,
  modes: [...diffs].map(([name, d]) => ({ name, usPerChunk: median(d), min: Math.min(...d), max: Math.max(...d) })),
});
