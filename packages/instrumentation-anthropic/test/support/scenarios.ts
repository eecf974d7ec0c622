// What a caller can observe of @anthropic-ai/sdk, scenario by scenario, as JSON-comparable data.
// Run once without and once with the instrumentation; the two must be identical.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { describeError, observer, type Observation } from '../../../instrumentation-core/test/support/observations.js';

export type Scenario = (client: any, Anthropic: any, baseURL: string) => Promise<Observation>;

/** What a scenario returns when this SDK version has no such feature (nothing was called). */
export const absent = (feature: string) => ({ absent: feature });
export const isAbsent = (o: unknown): boolean => typeof o === 'object' && o !== null && 'absent' in o;

// Two runs of a scenario differ in nothing but what the helpers already normalize (the simulator's port).
const normalize = (value: unknown): unknown => JSON.parse(JSON.stringify(value ?? null));
const { outcome, collect, abortAfter, promiseShape } = observer(normalize);

/** Every event a MessageStream emits, in order, with what it carries, then how its promises settled. */
async function helperLog(stream: any, act?: (stream: any, log: unknown[]) => void): Promise<Observation> {
  const log: unknown[] = [];
  for (const name of ['connect', 'streamEvent', 'text', 'thinking', 'inputJson', 'contentBlock', 'message', 'finalMessage', 'end', 'abort', 'error']) {
    stream.on(name, (...args: unknown[]) => log.push([name, normalize(args.map((a) => (a instanceof Error ? describeError(a) : a)))]));
  }
  act?.(stream, log);
  const final = await outcome(() => stream.finalMessage());
  const text = await outcome(() => stream.finalText());
  return { log, final, text, ended: stream.ended, errored: stream.errored, aborted: stream.aborted, requestID: stream.request_id ?? null };
}

const MODEL = 'claude-sonnet-4-6';
const msg = [{ role: 'user', content: 'Tell me about metrics' }];
const req = (extra: Record<string, unknown> = {}) => ({ model: MODEL, max_tokens: 1024, messages: msg, ...extra });
const h = (headers: Record<string, string>) => ({ headers });
const usage = 'prompt=1400,cached=1024,cache_write=200,cache_write_1h=100,completion=24';
const weather = {
  name: 'get_weather',
  description: 'Weather in a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

const FAULTS = ['rate_limit', 'server_error', 'service_unavailable', 'unauthorized', 'forbidden', 'bad_request', 'not_found', 'insufficient_quota', 'payment_required', 'reset', 'malformed_json'];

export const SCENARIOS: Record<string, Scenario> = {
  'messages JSON': (c) => outcome(() => c.messages.create(req(), h({ 'x-sim-usage': usage }))),
  'messages withResponse()': (c) =>
    outcome(async () => {
      const { data, response, request_id } = await c.messages.create(req()).withResponse();
      return { data, status: response.status, request_id, ct: response.headers.get('content-type'), rl: response.headers.get('anthropic-ratelimit-requests-remaining') };
    }),
  'messages asResponse()': (c) =>
    outcome(async () => {
      const response = await c.messages.create(req()).asResponse();
      return { status: response.status, body: JSON.parse(await response.text()) };
    }),
  'messages _request_id': (c) => outcome(async () => (await c.messages.create(req()))._request_id),
  'messages parse()': (c) => (typeof c.messages.parse === 'function' ? outcome(() => c.messages.parse(req(), h({ 'x-sim-usage': usage }))) : Promise.resolve(absent('parse()'))),
  'APIPromise own properties': (c) => promiseShape(c.messages.create(req())),
  'messages then/catch/finally chain': (c) =>
    outcome(async () => {
      const order: string[] = [];
      const v = await c.messages
        .create(req())
        .then((r: any) => (order.push('then'), r.content[0]))
        .finally(() => order.push('finally'));
      return { v, order };
    }),
  'messages tool_use': (c) => outcome(() => c.messages.create(req({ tools: [weather], tool_choice: { type: 'tool', name: 'get_weather' } }))),
  'messages thinking': (c) => outcome(() => c.messages.create(req({ max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 1024 } }))),
  'messages prompt caching': async (c) => {
    const system = [{ type: 'text', text: 'x '.repeat(3000), cache_control: { type: 'ephemeral' } }];
    const first = await outcome(() => c.messages.create(req({ system })));
    const second = await outcome(() => c.messages.create(req({ system })));
    return { first, second };
  },
  'messages stream events': async (c) => collect(await c.messages.create(req({ stream: true }), h({ 'x-sim-usage': usage, 'x-sim-chunks': '8' }))),
  'messages stream thinking and tool input': async (c) =>
    collect(await c.messages.create(req({ stream: true, max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 1024 }, tools: [weather], tool_choice: { type: 'any' } }))),
  'messages stream tee()': async (c) => {
    const s = await c.messages.create(req({ stream: true }), h({ 'x-sim-chunks': '6' }));
    const [a, b] = s.tee();
    return { a: await collect(a), b: await collect(b) };
  },
  'messages stream abandoned after 3 events': async (c) => collect(await c.messages.create(req({ stream: true }), h({ 'x-sim-chunks': '30' })), 3),
  'messages stream stopped at stop_reason': async (c) => {
    const events: unknown[] = [];
    for await (const e of await c.messages.create(req({ stream: true }), h({ 'x-sim-chunks': '4' }))) {
      events.push(e);
      if (e.type === 'message_delta') break;
    }
    return normalize(events);
  },
  // Chunks 40 ms apart: no later event is already buffered when the abort lands, so both runs see the same.
  'messages stream controller.abort()': async (c) => abortAfter(await c.messages.create(req({ stream: true }), h({ 'x-sim-chunks': '30', 'x-sim-latency-ms': 'ttfc=0,chunk=40' })), 5),
  'messages stream iterated twice': async (c) => {
    const s = await c.messages.create(req({ stream: true }), h({ 'x-sim-chunks': '3' }));
    return { first: await collect(s), second: await collect(s) };
  },
  'messages stream cut mid-way': async (c) => collect(await c.messages.create(req({ stream: true }), h({ 'x-sim-fault': 'stream_cut', 'x-sim-chunks': '10' }))),
  'messages stream error event': async (c) => collect(await c.messages.create(req({ stream: true }), h({ 'x-sim-fault': 'stream_error', 'x-sim-chunks': '10' }))),
  'messages stream malformed event': async (c) => {
    try {
      return await collect(await c.messages.create(req({ stream: true }), h({ 'x-sim-fault': 'malformed_json' })));
    } catch (err) {
      return describeError(err);
    }
  },
  'messages stream toReadableStream()': async (c) => {
    const s = await c.messages.create(req({ stream: true }), h({ 'x-sim-chunks': '4' }));
    const text = await new Response(s.toReadableStream()).text();
    return { lines: text.trim().split('\n').map((l: string) => JSON.parse(l)) };
  },
  'messages.stream() events, finalMessage(), finalText()': (c) => helperLog(c.messages.stream(req(), h({ 'x-sim-usage': usage, 'x-sim-chunks': '6' }))),
  'messages.stream() thinking and tool input events': (c) =>
    helperLog(c.messages.stream(req({ max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 1024 }, tools: [weather], tool_choice: { type: 'any' } }))),
  'messages.stream() withResponse()': async (c) => {
    const stream = c.messages.stream(req(), h({ 'x-sim-chunks': '3' }));
    if (typeof stream.withResponse !== 'function') return { withoutWithResponse: normalize(await stream.finalMessage()) };
    const { data, response, request_id } = await stream.withResponse();
    return { status: response.status, request_id, final: normalize(await data.finalMessage()) };
  },
  'messages.stream() for-await, stopped at stop_reason': async (c) => {
    const stream = c.messages.stream(req(), h({ 'x-sim-chunks': '4' }));
    const events: unknown[] = [];
    for await (const e of stream) {
      events.push(e);
      if (e.type === 'message_delta') break;
    }
    await stream.done().catch(() => undefined);
    return { events: normalize(events), aborted: stream.aborted, ended: stream.ended };
  },
  'messages.stream() abort() mid-answer': (c) =>
    helperLog(c.messages.stream(req(), h({ 'x-sim-chunks': '30', 'x-sim-latency-ms': 'ttfc=0,chunk=40' })), (stream) => {
      let texts = 0;
      stream.on('text', () => {
        if (++texts === 3) stream.abort();
      });
    }),
  'messages.stream() error event': (c) => helperLog(c.messages.stream(req(), h({ 'x-sim-fault': 'stream_error', 'x-sim-chunks': '6' }))),
  'messages.stream() HTTP error': (c) => helperLog(c.messages.stream(req(), h({ 'x-sim-fault': 'rate_limit' }))),
  'beta.messages.create': (c) => outcome(() => c.beta.messages.create({ ...req(), betas: ['context-management-2025-06-27'] }, h({ 'x-sim-usage': usage }))),
  'beta.messages.create stream': async (c) => collect(await c.beta.messages.create(req({ stream: true }), h({ 'x-sim-chunks': '5' }))),
  'beta.messages.stream()': (c) =>
    typeof c.beta.messages.stream === 'function' ? helperLog(c.beta.messages.stream(req(), h({ 'x-sim-usage': usage, 'x-sim-chunks': '5' }))) : Promise.resolve(absent('beta.messages.stream()')),
  // 0.27-0.32: prompt caching in beta, with its own Messages resource.
  'beta.promptCaching.messages': async (c) => {
    const messages = c.beta.promptCaching?.messages;
    if (!messages) return absent('beta.promptCaching');
    return { json: await outcome(() => messages.create(req(), h({ 'x-sim-usage': usage }))), stream: await helperLog(messages.stream(req(), h({ 'x-sim-usage': usage }))) };
  },
  // A client with the SDK's own spans on wraps create()'s promise (_thenUnwrap) and the stream's iterator.
  'a traced client (the SDK keeps its spans)': async (_c, Anthropic, baseURL) => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    const c = new Anthropic({ apiKey: 'k', baseURL, maxRetries: 0, openTelemetry: { tracerProvider } });
    const json = await outcome(() => c.messages.create(req(), h({ 'x-sim-usage': usage })));
    const stream = await collect(await c.messages.create(req({ stream: true }), h({ 'x-sim-chunks': '4' })));
    const helper = await helperLog(c.messages.stream(req(), h({ 'x-sim-chunks': '4' })));
    const failed = await outcome(() => c.messages.create(req(), h({ 'x-sim-fault': 'rate_limit' })));
    await tracerProvider.forceFlush();
    const spans = exporter.getFinishedSpans().map((s) => ({ name: s.name, status: s.status.code, attributes: s.attributes }));
    const port = new URL(baseURL).port;
    const text = JSON.stringify(spans).replaceAll(`127.0.0.1:${port}`, '127.0.0.1:PORT').replaceAll(`"server.port":${port}`, '"server.port":0');
    // The span's own time to first chunk is wall-clock.
    return { json, stream, helper, failed, spans: JSON.parse(text, (k, v) => (k === 'gen_ai.response.time_to_first_chunk' ? 0 : v)) };
  },
  'messages.countTokens': (c) => outcome(() => c.messages.countTokens({ model: MODEL, messages: msg })),
  faults: async (c) => {
    const out: Record<string, Observation> = {};
    for (const f of FAULTS) out[f] = await outcome(() => c.messages.create(req(), h({ 'x-sim-fault': f })));
    return out;
  },
  'hang past the client timeout': (_c, Anthropic, baseURL) =>
    outcome(() => new Anthropic({ apiKey: 'k', baseURL, maxRetries: 0, timeout: 150 }).messages.create(req(), h({ 'x-sim-fault': 'hang' }))),
  'caller abort before the response': (c) =>
    outcome(() => {
      const ac = new AbortController();
      const p = c.messages.create(req(), { signal: ac.signal, headers: { 'x-sim-latency-ms': 'ttfc=1000' } });
      setTimeout(() => ac.abort(), 30);
      return p;
    }),
  'retry then success': (_c, Anthropic, baseURL) =>
    outcome(() => new Anthropic({ apiKey: 'k', baseURL, maxRetries: 2 }).messages.create(req(), h({ 'x-sim-fault': 'service_unavailable', 'x-sim-fault-times': '1' }))),
  'retries exhausted': (_c, Anthropic, baseURL) => outcome(() => new Anthropic({ apiKey: 'k', baseURL, maxRetries: 1 }).messages.create(req(), h({ 'x-sim-fault': 'rate_limit' }))),
  'concurrent calls': async (c) =>
    Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        i % 3 === 2
          ? c.messages.create(req({ stream: true }), h({ 'x-sim-chunks': String(2 + i) })).then((s: any) => collect(s))
          : i % 3 === 1
            ? helperLog(c.messages.stream(req(), h({ 'x-sim-chunks': String(2 + i) })))
            : outcome(() => c.messages.create(req(), h({ 'x-sim-usage': `prompt=${10 + i},completion=${i + 1}` }))),
      ),
    ),
};
