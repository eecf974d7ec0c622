// What a caller can observe of the AI SDK, scenario by scenario, as JSON-comparable data. Run once without and
// once with the instrumentation (each against a fresh simulator with the same seed); the two must be identical.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { z } from 'zod';
import { describeError as describeCommon, observer, type Observation } from '../../../instrumentation-core/test/support/observations.js';
import { providers, type AISdk } from './harness.js';

export type Scenario = (sdk: AISdk, url: string) => Promise<Observation>;

/** Wall-clock values that legitimately differ between two runs. */
const VOLATILE = new Set(['timestamp', 'date', 'created', 'created_at', 'completed_at', 'msToFirstChunk', 'msToFinish']);

function normalize(value: unknown): unknown {
  const seen = new WeakSet<object>();
  return JSON.parse(
    JSON.stringify(value ?? null, (key, v) => {
      // Timings the SDK measures itself (ai 7: responseTimeMs, stepTimeMs, timeBetweenOutputChunksMs, tokens per second).
      if (VOLATILE.has(key) || key.endsWith('PerSecond') || key.endsWith('Ms') || /ratelimit-.*reset/.test(key)) return 0;
      // Ids the SDK generates at random where the provider sends none (aitxt-..., aiobj-...).
      if (typeof v === 'string') return v.replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT').replace(/^(ai[a-z]*)-[A-Za-z0-9]{16,}$/, '$1-ID');
      if (typeof v === 'function') return `[function ${v.name}]`;
      if (v instanceof Error) return describeError(v);
      if (v !== null && typeof v === 'object') {
        if (seen.has(v)) return '[seen]';
        seen.add(v);
        if (v instanceof Uint8Array) return Array.from(v);
      }
      return v;
    }),
  );
}

/** describeError's fields and what the AI SDK's errors carry besides. */
function describeError(err: any): Observation {
  return {
    ...(describeCommon(err) as object),
    statusCode: err?.statusCode,
    isRetryable: err?.isRetryable,
    reason: err?.reason,
    errors: Array.isArray(err?.errors) ? err.errors.length : undefined,
    data: err?.data === undefined ? undefined : JSON.stringify(err.data).replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT'),
  };
}

const { outcome, collect } = observer(normalize, describeError);

const h = (headers: Record<string, string>) => headers;
const USAGE = 'prompt=40,completion=24,cached=8,reasoning=4';
const FAULTS = ['rate_limit', 'server_error', 'service_unavailable', 'unauthorized', 'forbidden', 'bad_request', 'not_found', 'reset', 'malformed_json', 'insufficient_quota', 'payment_required'];
const PROVIDERS = ['openai', 'chat', 'anthropic', 'google', 'relay'] as const;

function modelOf(sdk: AISdk, url: string, provider: (typeof PROVIDERS)[number], id: string): any {
  const p = providers(sdk, url);
  return provider === 'chat' ? p.openai.chat(id) : p[provider](id);
}

/** What a generateText result offers (the fields every major has). */
function textResult(r: any): Observation {
  return { text: r.text, usage: r.usage, totalUsage: r.totalUsage, finishReason: r.finishReason, response: { id: r.response?.id, modelId: r.response?.modelId, headers: r.response?.headers }, steps: r.steps?.length, providerMetadata: r.providerMetadata, warnings: r.warnings, toolCalls: r.toolCalls, toolResults: r.toolResults };
}

const weather = (sdk: AISdk) => sdk.ai.tool({ description: 'weather of a city', inputSchema: z.object({ city: z.string() }), execute: async ({ city }: { city: string }) => ({ city, celsius: 21 }) });

export const SCENARIOS: Record<string, Scenario> = {};

for (const provider of PROVIDERS) {
  SCENARIOS[`${provider}: generateText`] = (sdk, url) =>
    outcome(async () => textResult(await sdk.ai.generateText({ model: modelOf(sdk, url, provider, 'gpt-4o-mini'), prompt: 'Tell me about metrics', maxOutputTokens: 500, headers: h({ 'x-sim-usage': USAGE }) })));

  SCENARIOS[`${provider}: streamText fullStream, callbacks and promises`] = async (sdk, url) => {
    const events: unknown[] = [];
    const result = sdk.ai.streamText({
      model: modelOf(sdk, url, provider, 'gpt-4o-mini'),
      prompt: 'Tell me about metrics',
      maxOutputTokens: 500,
      headers: h({ 'x-sim-usage': USAGE, 'x-sim-chunks': '5' }),
      onChunk: ({ chunk }: any) => void events.push(['chunk', chunk.type]),
      onFinish: (e: any) => void events.push(['finish', normalize({ text: e.text, usage: e.usage, finishReason: e.finishReason })]),
    });
    const parts = await collect(result.fullStream);
    return { parts, events, usage: normalize(await result.usage), text: await result.text, finishReason: await result.finishReason };
  };

  SCENARIOS[`${provider}: streamText with an error inside the stream`] = async (sdk, url) => {
    const errors: unknown[] = [];
    const result = sdk.ai.streamText({ model: modelOf(sdk, url, provider, 'gpt-4o-mini'), prompt: 'x', maxRetries: 0, maxOutputTokens: 500, headers: h({ 'x-sim-fault': 'stream_error', 'x-sim-chunks': '6' }), onError: ({ error }: any) => void errors.push(describeError(error)) });
    return { parts: await collect(result.fullStream), errors, finishReason: await outcome(() => result.finishReason) };
  };
}

for (const fault of FAULTS) {
  for (const provider of ['openai', 'anthropic', 'google'] as const) {
    SCENARIOS[`${provider}: generateText fails with ${fault}`] = (sdk, url) =>
      outcome(() => sdk.ai.generateText({ model: modelOf(sdk, url, provider, 'gpt-4o-mini'), prompt: 'x', maxRetries: 0, maxOutputTokens: 500, headers: h({ 'x-sim-fault': fault }) }));
  }
}

Object.assign(SCENARIOS, {
  'retried 429 then a success': (sdk: AISdk, url: string) =>
    outcome(async () => textResult(await sdk.ai.generateText({ model: modelOf(sdk, url, 'chat', 'gpt-4o'), prompt: 'x', headers: h({ 'x-sim-fault': 'rate_limit', 'x-sim-fault-times': '1', 'x-sim-fault-id': 'retry-1' }) }))),
  'retries exhausted (RetryError)': (sdk: AISdk, url: string) =>
    outcome(() => sdk.ai.generateText({ model: modelOf(sdk, url, 'chat', 'gpt-4o'), prompt: 'x', maxRetries: 1, headers: h({ 'x-sim-fault': 'rate_limit', 'x-sim-fault-id': 'retry-2' }) })),
  'tools over several steps': (sdk: AISdk, url: string) =>
    outcome(async () => {
      const r = await sdk.ai.generateText({ model: modelOf(sdk, url, 'chat', 'gpt-4o'), prompt: 'weather in Paris', tools: { weather: weather(sdk) }, toolChoice: 'required', stopWhen: sdk.ai.stepCountIs(2), headers: h({ 'x-sim-usage': USAGE }) });
      return { ...(textResult(r) as object), steps: r.steps.map((s: any) => ({ toolCalls: s.toolCalls, toolResults: s.toolResults, usage: s.usage, finishReason: s.finishReason })) };
    }),
  'streamText with tools, textStream': async (sdk: AISdk, url: string) => {
    const result = sdk.ai.streamText({ model: modelOf(sdk, url, 'anthropic', 'claude-sonnet-4-5'), prompt: 'weather', tools: { weather: weather(sdk) }, toolChoice: 'required', stopWhen: sdk.ai.stepCountIs(2), headers: h({ 'x-sim-usage': USAGE }) });
    return { text: await collect(result.textStream), steps: (await result.steps).length, totalUsage: normalize(await result.totalUsage) };
  },
  'streamText aborted by the caller': async (sdk: AISdk, url: string) => {
    const controller = new AbortController();
    const aborted: unknown[] = [];
    const result = sdk.ai.streamText({ model: modelOf(sdk, url, 'chat', 'gpt-4o'), prompt: 'x', abortSignal: controller.signal, headers: h({ 'x-sim-chunks': '30', 'x-sim-latency-ms': 'ttfc=5,chunk=5' }), onAbort: () => void aborted.push('abort') });
    const parts: string[] = [];
    const afterAbort = new Set<string>();
    let error: unknown;
    try {
      for await (const p of result.fullStream) {
        // How many deltas already on their way still arrive after the abort is a race, with or without genai-meter.
        if (controller.signal.aborted) afterAbort.add(p.type);
        else parts.push(p.type);
        if (parts.filter((t) => t === 'text-delta').length === 3) controller.abort();
      }
    } catch (e) {
      error = describeError(e);
    }
    afterAbort.delete('text-delta');
    return { parts, afterAbort: [...afterAbort].sort(), error, aborted };
  },
  'streamText textStream broken off by the caller': async (sdk: AISdk, url: string) => {
    const result = sdk.ai.streamText({ model: modelOf(sdk, url, 'chat', 'gpt-4o'), prompt: 'x', headers: h({ 'x-sim-chunks': '10' }) });
    return collect(result.textStream, 2);
  },
  'toTextStreamResponse and toUIMessageStreamResponse': async (sdk: AISdk, url: string) => {
    const text = sdk.ai.streamText({ model: modelOf(sdk, url, 'google', 'gemini-2.5-flash'), prompt: 'x', headers: h({ 'x-sim-usage': USAGE }) }).toTextStreamResponse();
    const ui = sdk.ai.streamText({ model: modelOf(sdk, url, 'chat', 'gpt-4o'), prompt: 'x', headers: h({ 'x-sim-usage': USAGE }) });
    const uiResponse = ui.toUIMessageStreamResponse ? ui.toUIMessageStreamResponse() : ui.toDataStreamResponse();
    const body = (await uiResponse.text()).replace(/"messageId":"[^"]+"/g, '"messageId":"ID"');
    return { status: text.status, headers: [...text.headers], text: await text.text(), uiStatus: uiResponse.status, ui: body };
  },
  'generateObject and streamObject': async (sdk: AISdk, url: string) => {
    const schema = z.object({ name: z.string(), tags: z.array(z.string()) });
    const obj = await outcome(async () => {
      const r = await sdk.ai.generateObject({ model: modelOf(sdk, url, 'chat', 'gpt-4o'), schema, prompt: 'x', headers: h({ 'x-sim-usage': USAGE }) });
      return { object: r.object, usage: r.usage, finishReason: r.finishReason };
    });
    const streamed = sdk.ai.streamObject({ model: modelOf(sdk, url, 'openai', 'gpt-4o'), schema, prompt: 'x', headers: h({ 'x-sim-usage': USAGE }) });
    const partials = await collect(streamed.partialObjectStream);
    return { obj, partials, object: await streamed.object, usage: normalize(await streamed.usage) };
  },
  'embed and embedMany': async (sdk: AISdk, url: string) => {
    const openai = providers(sdk, url).openai;
    const model = openai.embedding ? openai.embedding('text-embedding-3-small') : openai.textEmbeddingModel('text-embedding-3-small');
    const one = await outcome(async () => {
      const r = await sdk.ai.embed({ model, value: 'hello', headers: h({ 'x-sim-usage': 'prompt=3' }) });
      return { embedding: r.embedding, usage: r.usage, value: r.value };
    });
    const many = await outcome(async () => {
      const r = await sdk.ai.embedMany({ model, values: ['a', 'b', 'c'], maxParallelCalls: 2 });
      return { embeddings: r.embeddings, usage: r.usage };
    });
    const failed = await outcome(() => sdk.ai.embed({ model, value: 'x', maxRetries: 0, headers: h({ 'x-sim-fault': 'bad_request' }) }));
    return { one, many, failed };
  },
  'the module as the app sees it': async (sdk: AISdk) => {
    const names = Object.keys(sdk.ai).sort();
    return { names, types: names.map((n) => typeof sdk.ai[n]), fn: ['generateText', 'streamText', 'embed', 'wrapLanguageModel'].map((n) => [sdk.ai[n].name, sdk.ai[n].length]) };
  },
  'wrapLanguageModel and a model used directly': async (sdk: AISdk, url: string) => {
    const inner = modelOf(sdk, url, 'chat', 'gpt-4o');
    const wrapped = sdk.ai.wrapLanguageModel({ model: inner, middleware: { specificationVersion: inner.specificationVersion, transformParams: async ({ params }: any) => params } });
    const viaWrapper = await outcome(async () => textResult(await sdk.ai.generateText({ model: wrapped, prompt: 'x' })));
    const direct = await outcome(async () => {
      const r = await inner.doGenerate({ prompt: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }], headers: { 'x-sim-usage': USAGE } });
      return { content: r.content, usage: r.usage, finishReason: r.finishReason, response: { id: r.response?.id, modelId: r.response?.modelId } };
    });
    return { viaWrapper, direct, keys: Object.keys(wrapped).sort(), innerKeys: Object.keys(inner).sort() };
  },
});
