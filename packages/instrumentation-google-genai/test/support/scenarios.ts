// What a caller can observe of @google/genai, scenario by scenario, as JSON-comparable data.
// Run once without and once with the instrumentation; the two must be identical.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { describeError, observer, type Observation } from '../../../instrumentation-core/test/support/observations.js';

export type Scenario = (ai: any, genai: any, url: string) => Promise<Observation>;

/** What legitimately differs between two runs: the response's Date header. */
function normalize(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? null), (key, v) => (key === 'date' ? 'DATE' : v));
}

const { outcome, collect } = observer(normalize);

const h = (headers: Record<string, string>, more: Record<string, unknown> = {}) => ({ ...more, httpOptions: { headers } });
const usage = 'prompt=40,cached=8,completion=24,reasoning=4';
const FLASH = 'gemini-2.5-flash';

const FAULTS = ['rate_limit', 'server_error', 'service_unavailable', 'unauthorized', 'forbidden', 'bad_request', 'not_found', 'insufficient_quota', 'payment_required', 'reset', 'malformed_json', 'stream_error'];
const STREAM_FAULTS = ['stream_error', 'stream_cut', 'malformed_json', 'response_incomplete', 'rate_limit'];

const weatherTool = () => ({
  tool: async () => ({ functionDeclarations: [{ name: 'get_weather', parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }] }),
  callTool: async (calls: { name: string; args?: unknown }[]) => calls.map((c) => ({ functionResponse: { name: c.name, response: { celsius: 21, args: c.args } } })),
});

export const SCENARIOS: Record<string, Scenario> = {
  'generateContent JSON': (ai) => outcome(() => ai.models.generateContent({ model: FLASH, contents: 'Tell me about metrics', config: h({ 'x-sim-usage': usage }) })),
  'generateContent getters (text, functionCalls, data)': (ai) =>
    outcome(async () => {
      const r = await ai.models.generateContent({ model: 'gemini-2.0-flash', contents: 'hi' });
      return { text: r.text, functionCalls: r.functionCalls ?? null, data: r.data ?? null, ctor: r.constructor.name };
    }),
  'the promise returned': async (ai) => {
    const p = ai.models.generateContent({ model: FLASH, contents: 'x' });
    const keys = Object.keys(p).sort();
    const ctor = p.constructor.name;
    const v = await p.then((r: any) => r.candidates.length).finally(() => undefined);
    return { keys, ctor, isPromise: p instanceof Promise, v };
  },
  'JSON mode with a schema': (ai, genai) =>
    outcome(() =>
      ai.models.generateContent({
        model: FLASH,
        contents: 'weather?',
        config: { responseMimeType: 'application/json', responseSchema: { type: genai.Type.OBJECT, properties: { city: { type: genai.Type.STRING } }, required: ['city'] } },
      }),
    ),
  'automatic function calling': (ai) =>
    outcome(() =>
      ai.models.generateContent({
        model: FLASH,
        contents: 'weather in Paris?',
        config: { tools: [weatherTool()], toolConfig: { functionCallingConfig: { mode: 'ANY' } }, automaticFunctionCalling: { maximumRemoteCalls: 2 } },
      }),
    ),
  'automatic function calling, streamed': async (ai) =>
    collect(
      await ai.models.generateContentStream({
        model: FLASH,
        contents: 'weather in Paris?',
        config: { tools: [weatherTool()], toolConfig: { functionCallingConfig: { mode: 'ANY' } }, automaticFunctionCalling: { maximumRemoteCalls: 1 } },
      }),
    ),
  'generateContentStream': async (ai) => collect(await ai.models.generateContentStream({ model: FLASH, contents: 'stream', config: h({ 'x-sim-usage': usage, 'x-sim-chunks': '8' }) })),
  'stream chunks are the SDK objects (class, getters)': async (ai) => {
    const s = await ai.models.generateContentStream({ model: FLASH, contents: 'x', config: h({ 'x-sim-chunks': '3' }) });
    const seen: unknown[] = [];
    for await (const c of s) seen.push({ ctor: c.constructor.name, text: c.text, keys: Object.keys(c).sort() });
    return seen;
  },
  'stream without automatic continuation (the SDK hands out its generator)': async (ai) => {
    const s = await ai.models.generateContentStream({ model: FLASH, contents: 'x', config: h({ 'x-sim-chunks': '4' }, { automaticContinuation: false }) });
    return { keys: Object.keys(s).sort(), self: s[Symbol.asyncIterator]() === s, chunks: await collect(s) };
  },
  'stream read with next() and return()': async (ai) => {
    const s = await ai.models.generateContentStream({ model: FLASH, contents: 'x', config: h({ 'x-sim-chunks': '6' }, { automaticContinuation: false }) });
    const first = await s.next();
    const second = await s.next();
    const returned = await s.return('bye');
    const after = await s.next();
    return normalize({ first, second, returned, after });
  },
  'stream abandoned after 2 chunks': async (ai) => collect(await ai.models.generateContentStream({ model: FLASH, contents: 'x', config: h({ 'x-sim-chunks': '30' }) }), 2),
  'stream iterated twice': async (ai) => {
    const s = await ai.models.generateContentStream({ model: FLASH, contents: 'x', config: h({ 'x-sim-chunks': '3' }) });
    return { first: await collect(s), second: await collect(s) };
  },
  'stream faults': async (ai) => {
    const out: Record<string, Observation> = {};
    for (const f of STREAM_FAULTS) {
      try {
        out[f] = await collect(await ai.models.generateContentStream({ model: FLASH, contents: 'x', config: h({ 'x-sim-fault': f, 'x-sim-chunks': '6' }) }));
      } catch (err) {
        out[f] = describeError(err);
      }
    }
    return out;
  },
  'embedContent': (ai) => outcome(() => ai.models.embedContent({ model: 'gemini-embedding-001', contents: ['hello there', 'ab'], config: { outputDimensionality: 4 } })),
  'countTokens (not instrumented)': (ai) => outcome(() => ai.models.countTokens({ model: FLASH, contents: 'hello there' })),
  'chat: sendMessage, sendMessageStream, history': async (ai) => {
    const chat = ai.chats.create({ model: 'gemini-2.0-flash', config: { temperature: 0 } });
    const first = await outcome(() => chat.sendMessage({ message: 'hi' }));
    const second = await collect(await chat.sendMessageStream({ message: 'and then?' }));
    return { first, second, history: normalize(chat.getHistory()) };
  },
  'faults': async (ai) => {
    const out: Record<string, Observation> = {};
    for (const f of FAULTS) out[f] = await outcome(() => ai.models.generateContent({ model: FLASH, contents: 'x', config: h({ 'x-sim-fault': f }) }));
    return out;
  },
  'hang past httpOptions.timeout': (ai) => outcome(() => ai.models.generateContent({ model: FLASH, contents: 'x', config: { httpOptions: { timeout: 150, headers: { 'x-sim-fault': 'hang' } } } })),
  'caller abort before the response': (ai) =>
    outcome(() => {
      const ac = new AbortController();
      const p = ai.models.generateContent({ model: FLASH, contents: 'x', config: { abortSignal: ac.signal, httpOptions: { headers: { 'x-sim-latency-ms': 'ttfc=1000' } } } });
      setTimeout(() => ac.abort(), 30);
      return p;
    }),
  'retry then success': (ai) =>
    outcome(() =>
      ai.models.generateContent({
        model: FLASH,
        contents: 'x',
        config: { httpOptions: { retryOptions: { attempts: 3, initialDelay: 0.01, maxDelay: 0.02 }, headers: { 'x-sim-fault': 'server_error', 'x-sim-fault-times': '1', 'x-sim-fault-id': 'r1' } } },
      }),
    ),
  'retries exhausted': (_ai, genai, url) =>
    outcome(() =>
      new genai.GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: url, retryOptions: { attempts: 2, initialDelay: 0.01, maxDelay: 0.02 } } }).models.generateContent({
        model: FLASH,
        contents: 'x',
        config: h({ 'x-sim-fault': 'rate_limit' }),
      }),
    ),
  'a Vertex AI client the simulator refuses': (_ai, genai, url) => outcome(() => new genai.GoogleGenAI({ vertexai: true, apiKey: 'k', httpOptions: { baseUrl: url } }).models.generateContent({ model: FLASH, contents: 'x' })),
  'concurrent calls': async (ai) =>
    Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        i % 3 === 2
          ? ai.models.generateContentStream({ model: FLASH, contents: 'x', config: h({ 'x-sim-chunks': String(2 + i) }) }).then((s: any) => collect(s))
          : outcome(() => ai.models.generateContent({ model: FLASH, contents: 'x', config: h({ 'x-sim-usage': `prompt=${10 + i},completion=${i + 1}` }) })),
      ),
    ),
};
