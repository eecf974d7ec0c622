// Added CPU per call of @genai-meter/instrumentation-ai over the Vercel AI SDK alone (ai 7 with @ai-sdk/openai),
// measured as paired-rounds.ts describes (the method every per-SDK script shares). Each variant imports its own
// copy of ai's and @ai-sdk/openai's ES modules (so each instrumentation wraps its own model class). The replayed
// answers, through the OpenAI provider at api.openai.com's address as production calls go: a chat completion
// with cached tokens for generateText, a 20-chunk stream for streamText, the same completion through a
// ToolLoopAgent (ai's agent helper, which calls generateText from inside the module), and embeddings for embed.
//
//   bash scripts/with-node.sh npx tsx bench/src/ai-overhead.ts [--rounds 20] [--scale 1] [--json]
import { createRequire } from 'node:module';
import { startSimulator } from '@genai-meter/simulator';
import { capture, freshModuleCopy, packageRequire, replay, runMain, runSdkOverhead, type InstrumentationLike, type Recorded } from './paired-rounds.js';
import { packageVersion } from './versions.js';

const SDK = 'ai';
const PROVIDER = '@ai-sdk/openai';
const sdkRequire = packageRequire('instrumentation-ai');
const MODEL = 'gpt-4o-mini';
const EMBEDDING_MODEL = 'text-embedding-3-small';
const PROMPT = 'Tell me about metrics';

/** One real answer per shape, from the simulator. */
async function captureWire(): Promise<{ json: Recorded; stream: Recorded; embeddings: Recorded }> {
  const sim = await startSimulator({ seed: 1, latencyScale: 0 });
  const body = { model: MODEL, messages: [{ role: 'user', content: PROMPT }] };
  const url = `${sim.baseURL}/chat/completions`;
  const auth = { authorization: 'Bearer k' };
  try {
    return {
      json: await capture(url, body, { ...auth, 'x-sim-usage': 'prompt=1200,cached=200,completion=340,reasoning=0' }),
      stream: await capture(url, { ...body, stream: true, stream_options: { include_usage: true } }, { ...auth, 'x-sim-usage': 'prompt=300,completion=200', 'x-sim-chunks': '20' }),
      embeddings: await capture(`${sim.baseURL}/embeddings`, { model: EMBEDDING_MODEL, input: [PROMPT], encoding_format: 'float' }, auth),
    };
  } finally {
    await sim.close();
  }
}

interface AICopy {
  ai: Record<string, unknown>;
  provider: Record<string, unknown>;
}
/* eslint-disable @typescript-eslint/no-explicit-any */
type Fn = (...args: any[]) => any;

runMain(async () => {
  const wire = await captureWire();
  const fetchStub = async (url: string | URL, init?: { body?: unknown }) =>
    replay(String(url).endsWith('/embeddings') ? wire.embeddings : String(init?.body).includes('"stream":true') ? wire.stream : wire.json);
  const { AIInstrumentation } = createRequire(import.meta.url)('@genai-meter/instrumentation-ai') as {
    AIInstrumentation: new (c: object) => InstrumentationLike & { patchAI<T>(m: T): T };
  };
  await runSdkOverhead({
    sdk: SDK,
    version: packageVersion(sdkRequire, SDK),
    instrumentation: '@genai-meter/instrumentation-ai',
    Instrumentation: AIInstrumentation,
    scenarios: {
      json: { title: `generateText, ${PROVIDER} ${packageVersion(sdkRequire, PROVIDER)} chat model, cached tokens`, iterations: 1000, warmup: 1000 },
      stream20: { title: 'streamText, textStream read, 20 chunks', iterations: 100, warmup: 100 },
      helper: { title: 'new ToolLoopAgent({ model }).generate()', iterations: 1000, warmup: 1000 },
      embeddings: { title: 'embed, one value', iterations: 1000, warmup: 1000 },
    },
    // ES modules without any loader hook: the baseline's exports are the SDK's own.
    load: async (variant) => ({
      ai: await freshModuleCopy(sdkRequire.resolve(SDK), variant),
      provider: await freshModuleCopy(sdkRequire.resolve(PROVIDER), variant),
    }),
    // A module namespace cannot change: the instrumentation hands out a copy of the exports with its wrappers in.
    patch: (inst, copy) => ({ ...copy, ai: inst.patchAI(copy.ai) }),
    wrapped: (copy) => String(copy.ai.generateText).startsWith('function genaiMeterEntry'),
    calls: (copy: AICopy) => {
      const { generateText, streamText, embed, ToolLoopAgent } = copy.ai as { generateText: Fn; streamText: Fn; embed: Fn; ToolLoopAgent: new (s: object) => { generate(o: object): Promise<unknown> } };
      const openai = (copy.provider.createOpenAI as Fn)({ apiKey: 'k', baseURL: 'https://api.openai.com/v1', fetch: fetchStub });
      const model = openai.chat(MODEL);
      const embedding = openai.embedding(EMBEDDING_MODEL);
      const agent = new ToolLoopAgent({ model });
      return {
        json: () => generateText({ model, prompt: PROMPT }),
        stream20: async () => {
          for await (const _ of streamText({ model, prompt: PROMPT }).textStream);
        },
        helper: () => agent.generate({ prompt: PROMPT }),
        embeddings: () => embed({ model: embedding, value: PROMPT }),
      };
    },
  });
});
