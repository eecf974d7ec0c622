// How AI SDK calls end and what one call is, as apps use them (ai 7 unless said, over real HTTP to the
// simulator): several model calls in one generateText (tools), streams read to the end, stopped early or
// aborted, agents, and a call that passes through two instrumented layers, counted once.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Simulator } from '@genai-meter/simulator';
import { OpenAIInstrumentation } from '@genai-meter/instrumentation-openai';
import { ATTR_GEN_AI_PROVIDER_NAME, ATTR_GEN_AI_REQUEST_MODEL, ATTR_GEN_AI_TOKEN_TYPE, METRICS } from '../src/index.js';
import { MAJORS, MetricsHarness, byModel, loadAI, providers, repoRoot, sum, where, type AISdk } from './support/harness.js';
import { harnessAndSimulator, shutDown } from '../../instrumentation-core/test/support/simulator.js';
import { collectGarbage } from '../../instrumentation-core/test/support/gc.js';

let sim: Simulator;
let h: MetricsHarness;
let sdk: AISdk;
beforeAll(async () => {
  ({ h, sim } = await harnessAndSimulator(() => new MetricsHarness(), 5));
  sdk = loadAI(7);
});
afterAll(() => shutDown(h, sim));


describe('one operation per model call', () => {
  for (const major of MAJORS) {
    it(`ai ${major}: a generateText that calls a tool twice makes three model calls, each with its own tokens`, async () => {
      const ai = loadAI(major);
      const model = `tools-${major}`;
      let executed = 0;
      const weather = ai.ai.tool({ description: 'weather of a city', inputSchema: z.object({ city: z.string() }), execute: async () => (++executed, { celsius: 21 }) });
      const res = await ai.ai.generateText({
        model: providers(ai, sim.url).openai.chat(model),
        prompt: 'weather in Paris?',
        tools: { weather },
        toolChoice: 'required',
        stopWhen: ai.ai.stepCountIs(3),
        headers: { 'x-sim-usage': 'prompt=100,completion=20' },
      });
      expect(res.steps).toHaveLength(3);
      expect(executed).toBe(3);
      // semconv: an operation is one model call; its duration and tokens are that call's.
      expect(await h.outcomes(model)).toEqual([[3, undefined]]);
      expect(await h.tokens(model)).toEqual([
        ['input', 300, 3],
        ['output', 60, 3],
      ]);
      expect(res.totalUsage.inputTokens).toBe(300);
    });
  }

  it('streamText with tools: one streamed operation per step, each with its time to first chunk', async () => {
    const model = 'stream-tools';
    const weather = sdk.ai.tool({ description: 'weather', inputSchema: z.object({ city: z.string() }), execute: async () => ({ celsius: 3 }) });
    const result = sdk.ai.streamText({ model: providers(sdk, sim.url).openai.chat(model), prompt: 'x', tools: { weather }, toolChoice: 'required', stopWhen: sdk.ai.stepCountIs(2), headers: { 'x-sim-usage': 'prompt=10,completion=5' } });
    for await (const _ of result.fullStream);
    expect((await result.steps).length).toBe(2);
    expect(await h.outcomes(model)).toEqual([[2, undefined]]);
    expect(sum(where(await h.histogram(METRICS.timeToFirstChunk.name), byModel(model)).map((p) => p.count))).toBe(2);
    expect(await h.tokens(model)).toEqual([
      ['input', 20, 2],
      ['output', 10, 2],
    ]);
  });
});

describe('streams', () => {
  it('onFinish and the usage promise see what was recorded', async () => {
    const model = 'finish-callbacks';
    let finished: { inputTokens?: number; outputTokens?: number } | undefined;
    const result = sdk.ai.streamText({ model: providers(sdk, sim.url).anthropic(model), prompt: 'x', maxOutputTokens: 100, headers: { 'x-sim-usage': 'prompt=44,completion=11' }, onFinish: (e: { usage: typeof finished }) => (finished = e.usage) });
    const text = await result.text;
    expect(text.length).toBeGreaterThan(0);
    const usage = await result.usage;
    expect([usage.inputTokens, usage.outputTokens, finished?.inputTokens]).toEqual([44, 11, 44]);
    expect(await h.tokens(model)).toEqual([
      ['input', 44, 1],
      ['output', 11, 1],
    ]);
    expect(await h.outcomes(model)).toEqual([[1, undefined]]);
  });

  it('a caller that aborts mid-answer cancelled the call: no tokens, not in flight', async () => {
    const model = 'stream-abort';
    const controller = new AbortController();
    const result = sdk.ai.streamText({ model: providers(sdk, sim.url).openai.chat(model), prompt: 'x', abortSignal: controller.signal, headers: { 'x-sim-chunks': '40', 'x-sim-latency-ms': 'ttfc=10,chunk=20' } });
    let n = 0;
    for await (const part of result.fullStream) if (part.type === 'text-delta' && ++n === 3) controller.abort();
    expect(await h.outcomes(model)).toEqual([[1, 'cancelled']]);
    expect(await h.tokens(model)).toEqual([]);
    expect(await h.inFlight(model)).toBe(0);
  });

  it('a caller that stops reading the text stream early and drops it: cancelled once the stream is collected', async () => {
    const model = 'stream-break';
    await (async () => {
      const result = sdk.ai.streamText({ model: providers(sdk, sim.url).openai.chat(model), prompt: 'x', headers: { 'x-sim-chunks': '40', 'x-sim-latency-ms': 'ttfc=10,chunk=10', 'x-sim-usage': 'prompt=8,completion=40' } });
      let n = 0;
      for await (const _ of result.textStream) if (++n === 2) break;
    })();
    // The SDK stops reading the model's stream but does not cancel it: the HTTP answer is still open.
    expect(await h.inFlight(model)).toBe(1);
    expect(await collectGarbage(async () => (await h.inFlight(model)) === 0)).toBe(true);
    expect(await h.outcomes(model)).toEqual([[1, 'cancelled']]);
    expect(await h.tokens(model)).toEqual([]);
  });

  it('toTextStreamResponse read to the end: a successful call', async () => {
    const model = 'stream-response';
    const result = sdk.ai.streamText({ model: providers(sdk, sim.url).google(model), prompt: 'x', headers: { 'x-sim-usage': 'prompt=6,completion=9' } });
    const body = await result.toTextStreamResponse().text();
    expect(body.length).toBeGreaterThan(0);
    expect(await h.outcomes(model)).toEqual([[1, undefined]]);
    expect(await h.tokens(model)).toEqual([
      ['input', 6, 1],
      ['output', 9, 1],
    ]);
  });
});

describe('agents', () => {
  for (const major of MAJORS) {
    it(`ai ${major}: an agent's calls (made inside the module) are measured`, async () => {
      const ai = loadAI(major);
      const Agent = ai.ai.ToolLoopAgent ?? ai.ai.Experimental_Agent;
      const model = `agent-${major}`;
      const agent = new Agent({ model: providers(ai, sim.url).anthropic(model), maxOutputTokens: 50, headers: { 'x-sim-usage': 'prompt=12,completion=3' } });
      const res = await agent.generate({ prompt: 'hi' });
      expect(res.text.length).toBeGreaterThan(0);
      expect(await h.tokens(model)).toEqual([
        ['input', 12, 1],
        ['output', 3, 1],
      ]);
    });
  }
});

describe('a call through two layers is counted once', () => {
  it('middleware (wrapLanguageModel): the wrapped model\'s call, once', async () => {
    const model = 'wrapped-once';
    const wrapped = sdk.ai.wrapLanguageModel({
      model: providers(sdk, sim.url).openai.chat(model),
      middleware: { specificationVersion: 'v3', transformParams: async ({ params }: { params: object }) => ({ ...params }) },
    });
    await sdk.ai.generateText({ model: wrapped, prompt: 'x', headers: { 'x-sim-usage': 'prompt=7,completion=2' } });
    expect(await h.tokens(model)).toEqual([
      ['input', 7, 1],
      ['output', 2, 1],
    ]);
  });

  it('a caching middleware that answers without calling the model records nothing', async () => {
    const model = 'cached-answer';
    let cached: unknown;
    const wrapped = sdk.ai.wrapLanguageModel({
      model: providers(sdk, sim.url).openai.chat(model),
      middleware: { specificationVersion: 'v3', wrapGenerate: async ({ doGenerate }: { doGenerate: () => Promise<unknown> }) => (cached ??= await doGenerate()) },
    });
    const first = await sdk.ai.generateText({ model: wrapped, prompt: 'x', headers: { 'x-sim-usage': 'prompt=5,completion=1' } });
    const second = await sdk.ai.generateText({ model: wrapped, prompt: 'x' });
    expect(second.text).toBe(first.text);
    expect(await h.outcomes(model)).toEqual([[1, undefined]]);
  });

  it('a hand-written model that delegates to a provider model: the inner call, once', async () => {
    const model = 'delegating';
    const inner = providers(sdk, sim.url).openai.chat(model);
    const outer = {
      specificationVersion: inner.specificationVersion,
      provider: 'my-wrapper',
      modelId: 'outer-id',
      supportedUrls: {},
      doGenerate: (options: unknown) => inner.doGenerate(options),
      doStream: (options: unknown) => inner.doStream(options),
    };
    // The inner model's class is known to the instrumentation once a call used it directly.
    sdk.ai.generateText({ model: inner, prompt: 'warm-up', maxRetries: 0 }).catch(() => undefined);
    await sdk.ai.generateText({ model: outer, prompt: 'x', headers: { 'x-sim-usage': 'prompt=9,completion=4' } });
    const points = where(await h.histogram(METRICS.tokenUsage.name), { [ATTR_GEN_AI_TOKEN_TYPE]: 'input' }).filter((p) => p.attributes[ATTR_GEN_AI_REQUEST_MODEL] === model || p.attributes[ATTR_GEN_AI_REQUEST_MODEL] === 'outer-id');
    expect(points.map((p) => [p.attributes[ATTR_GEN_AI_REQUEST_MODEL], p.attributes[ATTR_GEN_AI_PROVIDER_NAME]])).toEqual([[model, 'openai']]);
    expect(points[0]!.sum - 0).toBeGreaterThanOrEqual(9);
    expect(where(await h.histogram(METRICS.duration.name), byModel('outer-id'))).toEqual([]);
    expect(await h.inFlight('outer-id')).toBe(0);
  });

  it('a provider built on the openai SDK, both instrumented: the openai instrumentation records it, once', async () => {
    const openaiInstrumentation = new OpenAIInstrumentation({ enabled: false });
    openaiInstrumentation.setMeterProvider(h.provider);
    openaiInstrumentation.enable();
    try {
      const { OpenAI } = createRequire(join(repoRoot, 'packages/openai-compat/v7/package.json'))('openai');
      const client = new OpenAI({ apiKey: 'k', baseURL: `${sim.url}/v1`, maxRetries: 0 });
      const model = 'openai-sdk-provider';
      // A LanguageModelV2 (accepted by ai 5-7) whose calls go through the openai package.
      const custom = {
        specificationVersion: 'v2',
        provider: 'openai-sdk.chat',
        modelId: model,
        supportedUrls: {},
        async doGenerate(options: { prompt: { role: string; content: { type: string; text?: string }[] | string }[]; headers?: Record<string, string> }) {
          const messages = options.prompt.map((m) => ({ role: m.role, content: typeof m.content === 'string' ? m.content : m.content.map((c) => c.text ?? '').join('') }));
          const res = await client.chat.completions.create({ model, messages }, { headers: options.headers });
          return {
            content: [{ type: 'text', text: res.choices[0].message.content }],
            finishReason: 'stop',
            usage: { inputTokens: res.usage.prompt_tokens, outputTokens: res.usage.completion_tokens, totalTokens: res.usage.total_tokens },
            response: { modelId: res.model },
            warnings: [],
          };
        },
        async doStream() {
          throw new Error('not used');
        },
      };
      const res = await sdk.ai.generateText({ model: custom, prompt: 'x', headers: { 'x-sim-usage': 'prompt=31,completion=6' } });
      expect(res.usage.inputTokens).toBe(31);
      // Both instrumentations write into this provider: exactly one call, with the openai SDK's view of it.
      expect(await h.tokens(model)).toEqual([
        ['input', 31, 1],
        ['output', 6, 1],
      ]);
      expect(where(await h.histogram(METRICS.duration.name), byModel(model)).map((d) => [d.count, d.attributes[ATTR_GEN_AI_PROVIDER_NAME]])).toEqual([[1, 'openai']]);
      expect(await h.inFlight(model)).toBe(0);
      const scopes = (await h.reader.collect()).resourceMetrics.scopeMetrics.filter((s) => s.metrics.some((m) => m.descriptor.name === METRICS.duration.name && m.dataPoints.some((p) => p.attributes[ATTR_GEN_AI_REQUEST_MODEL] === model)));
      expect(scopes.map((s) => s.scope.name)).toEqual(['@genai-meter/instrumentation-openai']);
    } finally {
      openaiInstrumentation.disable();
    }
  });
});

describe('disable and enable', () => {
  it('a model used before a disable is measured again after enable, and not while disabled', async () => {
    const model = 'toggled';
    const m = providers(sdk, sim.url).openai.chat(model);
    const call = () => sdk.ai.generateText({ model: m, prompt: 'x', headers: { 'x-sim-usage': 'prompt=2,completion=1' } });
    await call();
    h.instrumentation.disable();
    await call();
    h.instrumentation.enable();
    await call();
    expect(await h.outcomes(model)).toEqual([[2, undefined]]);
  });
});
