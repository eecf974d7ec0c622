// What a caller can observe of the openai SDK, scenario by scenario, as JSON-comparable data.
// Run once without and once with the instrumentation; the two must be identical.
/* eslint-disable @typescript-eslint/no-explicit-any */

export type Observation = unknown;
export type Scenario = (client: any, OpenAI: any, baseURL: string) => Promise<Observation>;

/** Volatile fields (wall-clock seconds) that legitimately differ between two runs. */
function normalize(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? null), (key, v) => (key === 'created' || key === 'created_at' || key === 'completed_at' ? 0 : v));
}

export function describeError(err: any): Observation {
  return {
    thrown: true,
    class: err?.constructor?.name,
    name: err?.name,
    // The simulator's port differs between the two runs; nothing else in a message may.
    message: String(err?.message).replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT'),
    status: err?.status,
    code: err?.code,
    type: err?.type,
    param: err?.param,
    requestID: err?.request_id ?? err?.requestID,
  };
}

async function outcome(fn: () => Promise<unknown>): Promise<Observation> {
  try {
    return { value: normalize(await fn()) };
  } catch (err) {
    return describeError(err);
  }
}

async function collect(stream: AsyncIterable<unknown>, limit = Infinity): Promise<Observation> {
  const chunks: unknown[] = [];
  try {
    for await (const c of stream) {
      chunks.push(c);
      if (chunks.length >= limit) break;
    }
    return { chunks: normalize(chunks) };
  } catch (err) {
    return { chunks: normalize(chunks), error: describeError(err) };
  }
}

const msg = [{ role: 'user', content: 'Tell me about metrics' }];
const h = (headers: Record<string, string>) => ({ headers });
const usage = 'prompt=40,completion=24,cached=8,reasoning=4';

const chatParse = (client: any) => (client.chat.completions.parse ? client.chat.completions : client.beta.chat.completions);

const FAULTS = ['rate_limit', 'server_error', 'service_unavailable', 'unauthorized', 'forbidden', 'bad_request', 'not_found', 'reset', 'malformed_json'];

export const SCENARIOS: Record<string, Scenario> = {
  'chat JSON': (c) => outcome(() => c.chat.completions.create({ model: 'gpt-4o-mini', messages: msg }, h({ 'x-sim-usage': usage }))),
  'chat withResponse()': (c) =>
    outcome(async () => {
      const { data, response, request_id } = await c.chat.completions.create({ model: 'gpt-4o-mini', messages: msg }).withResponse();
      return { data, status: response.status, request_id, ct: response.headers.get('content-type'), rl: response.headers.get('x-ratelimit-remaining-requests') };
    }),
  'chat asResponse()': (c) =>
    outcome(async () => {
      const response = await c.chat.completions.create({ model: 'gpt-4o-mini', messages: msg }).asResponse();
      return { status: response.status, body: JSON.parse(await response.text()) };
    }),
  'chat parse()': (c) =>
    outcome(() =>
      chatParse(c).parse({ model: 'gpt-4o-2024-08-06', messages: msg, response_format: { type: 'json_object' } }, h({ 'x-sim-usage': usage })),
    ),
  'APIPromise own properties': async (c) => {
    const p = c.chat.completions.create({ model: 'gpt-4o-mini', messages: msg });
    const keys = Object.keys(p).sort();
    await p;
    return { keys, isPromise: p instanceof Promise, ctor: p.constructor.name };
  },
  'chat then/catch/finally chain': (c) =>
    outcome(async () => {
      const order: string[] = [];
      const v = await c.chat.completions
        .create({ model: 'gpt-4o-mini', messages: msg })
        .then((r: any) => (order.push('then'), r.choices[0].message))
        .finally(() => order.push('finally'));
      return { v, order };
    }),
  'chat stream': async (c) => collect(await c.chat.completions.create({ model: 'gpt-4.1-mini', messages: msg, stream: true }, h({ 'x-sim-usage': usage, 'x-sim-chunks': '8' }))),
  'chat stream include_usage by caller': async (c) =>
    collect(await c.chat.completions.create({ model: 'gpt-4.1-mini', messages: msg, stream: true, stream_options: { include_usage: true } }, h({ 'x-sim-usage': usage }))),
  'chat stream tee()': async (c) => {
    const s = await c.chat.completions.create({ model: 'gpt-4.1-mini', messages: msg, stream: true }, h({ 'x-sim-chunks': '6' }));
    const [a, b] = s.tee();
    return { a: await collect(a), b: await collect(b) };
  },
  'chat stream abandoned after 2 chunks': async (c) =>
    collect(await c.chat.completions.create({ model: 'gpt-4.1-mini', messages: msg, stream: true }, h({ 'x-sim-chunks': '30' })), 2),
  // Chunks 40 ms apart: no later chunk is already buffered when the abort lands, so both runs see the same.
  'chat stream controller.abort()': async (c) => {
    const s = await c.chat.completions.create({ model: 'gpt-4.1-mini', messages: msg, stream: true }, h({ 'x-sim-chunks': '30', 'x-sim-latency-ms': 'ttfc=0,chunk=40' }));
    const chunks: unknown[] = [];
    try {
      for await (const x of s) {
        chunks.push(x);
        if (chunks.length === 3) s.controller.abort();
      }
      return { chunks: normalize(chunks), aborted: s.controller.signal.aborted };
    } catch (err) {
      return { chunks: normalize(chunks), error: describeError(err) };
    }
  },
  'chat stream iterated twice': async (c) => {
    const s = await c.chat.completions.create({ model: 'gpt-4.1-mini', messages: msg, stream: true }, h({ 'x-sim-chunks': '3' }));
    return { first: await collect(s), second: await collect(s) };
  },
  'chat stream cut mid-way': async (c) =>
    collect(await c.chat.completions.create({ model: 'gpt-4.1-mini', messages: msg, stream: true }, h({ 'x-sim-fault': 'stream_cut', 'x-sim-chunks': '10' }))),
  'chat stream malformed chunk': async (c) => {
    try {
      return await collect(await c.chat.completions.create({ model: 'gpt-4.1-mini', messages: msg, stream: true }, h({ 'x-sim-fault': 'malformed_json' })));
    } catch (err) {
      return describeError(err);
    }
  },
  'chat stream with toReadableStream()': async (c) => {
    const s = await c.chat.completions.create({ model: 'gpt-4.1-mini', messages: msg, stream: true }, h({ 'x-sim-chunks': '4' }));
    const text = await new Response(s.toReadableStream()).text();
    return { lines: text.trim().split('\n').map((l: string) => normalize(JSON.parse(l))) };
  },
  'responses JSON': (c) => outcome(() => c.responses.create({ model: 'gpt-5-mini', input: 'hi' }, h({ 'x-sim-usage': usage }))),
  'responses stream': async (c) => collect(await c.responses.create({ model: 'gpt-5-mini', input: 'hi', stream: true }, h({ 'x-sim-usage': usage }))),
  'embeddings (SDK default base64)': (c) => outcome(() => c.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'bb'] })),
  'embeddings float': (c) => outcome(() => c.embeddings.create({ model: 'text-embedding-3-small', input: 'x', encoding_format: 'float' })),
  'legacy completions': (c) => outcome(() => c.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'say' })),
  'legacy completions stream': async (c) => collect(await c.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'say', stream: true })),
  'faults': async (c) => {
    const out: Record<string, Observation> = {};
    for (const f of FAULTS) out[f] = await outcome(() => c.chat.completions.create({ model: 'gpt-4o-mini', messages: msg }, h({ 'x-sim-fault': f })));
    return out;
  },
  'hang past the client timeout': (_c, OpenAI, baseURL) =>
    outcome(() => new OpenAI({ apiKey: 'k', baseURL, maxRetries: 0, timeout: 150 }).chat.completions.create({ model: 'm', messages: msg }, h({ 'x-sim-fault': 'hang' }))),
  'caller abort before the response': (c) =>
    outcome(() => {
      const ac = new AbortController();
      const p = c.chat.completions.create({ model: 'gpt-4o-mini', messages: msg }, { signal: ac.signal, headers: { 'x-sim-latency-ms': 'ttfc=1000' } });
      setTimeout(() => ac.abort(), 30);
      return p;
    }),
  'retry then success': (_c, OpenAI, baseURL) =>
    outcome(() =>
      new OpenAI({ apiKey: 'k', baseURL, maxRetries: 2 }).chat.completions.create({ model: 'gpt-4o-mini', messages: msg }, h({ 'x-sim-fault': 'server_error', 'x-sim-fault-times': '1' })),
    ),
  'retries exhausted': (_c, OpenAI, baseURL) =>
    outcome(() => new OpenAI({ apiKey: 'k', baseURL, maxRetries: 1 }).chat.completions.create({ model: 'gpt-4o-mini', messages: msg }, h({ 'x-sim-fault': 'rate_limit' }))),
  'concurrent calls': async (c) =>
    Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        i % 3 === 2
          ? c.chat.completions.create({ model: 'gpt-4o-mini', messages: msg, stream: true }, h({ 'x-sim-chunks': String(2 + i) })).then((s: any) => collect(s))
          : outcome(() => c.chat.completions.create({ model: `gpt-4o-mini`, messages: msg }, h({ 'x-sim-usage': `prompt=${10 + i},completion=${i + 1}` }))),
      ),
    ),
};
