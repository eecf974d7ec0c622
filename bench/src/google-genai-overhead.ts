// Added CPU per call of @genai-meter/instrumentation-google-genai over @google/genai alone, measured as
// paired-rounds.ts describes (the method every per-SDK script shares). The replayed answers: a
// generateContent response with cached and thinking tokens, a 20-chunk stream, and the same stream read
// through the chats helper (a new chat per call, as one conversation per request), and an embedContent answer,
// against the Gemini API's address as production calls go.
//
//   bash scripts/with-node.sh npx tsx bench/src/google-genai-overhead.ts [--rounds 20] [--scale 1] [--json]
import { createRequire } from 'node:module';
import { startSimulator } from '@genai-meter/simulator';
import { capture, freshCommonJsCopy, packageRequire, replay, runMain, runSdkOverhead, type InstrumentationLike, type Recorded } from './paired-rounds.js';
import { packageVersion } from './versions.js';

const SDK = '@google/genai';
const sdkRequire = packageRequire('instrumentation-google-genai');
const MODEL = 'gemini-2.5-flash';
const EMBEDDING_MODEL = 'gemini-embedding-001';
const PROMPT = 'Tell me about metrics';

/** One real answer per shape, from the simulator. */
async function captureWire(): Promise<{ json: Recorded; stream: Recorded; embeddings: Recorded }> {
  const sim = await startSimulator({ seed: 1, latencyScale: 0 });
  const base = `${sim.url}/v1beta/models/${MODEL}`;
  const content = { role: 'user', parts: [{ text: PROMPT }] };
  const body = { contents: [content] };
  try {
    return {
      json: await capture(`${base}:generateContent`, body, { 'x-goog-api-key': 'k', 'x-sim-usage': 'prompt=1200,cached=200,completion=340,reasoning=100' }),
      stream: await capture(`${base}:streamGenerateContent?alt=sse`, body, { 'x-goog-api-key': 'k', 'x-sim-usage': 'prompt=300,completion=200,reasoning=40', 'x-sim-chunks': '20' }),
      embeddings: await capture(`${sim.url}/v1beta/models/${EMBEDDING_MODEL}:batchEmbedContents`, { requests: [{ model: `models/${EMBEDDING_MODEL}`, content }] }, { 'x-goog-api-key': 'k' }),
    };
  } finally {
    await sim.close();
  }
}

interface Client {
  models: {
    generateContent(p: object): Promise<unknown>;
    generateContentStream(p: object): Promise<AsyncIterable<unknown>>;
    embedContent(p: object): Promise<unknown>;
  };
  chats: { create(p: object): { sendMessageStream(p: object): Promise<AsyncIterable<unknown>> } };
}
type GoogleGenAIClass = new (o: object) => Client;
type ModelsClass = { prototype: { generateContentInternal: { name: string } } };

runMain(async () => {
  const wire = await captureWire();
  const fetchStub = async (url: string | URL) => {
    const u = String(url);
    return replay(u.includes(':streamGenerateContent') ? wire.stream : u.includes(':batchEmbedContents') ? wire.embeddings : wire.json);
  };
  const { GoogleGenAIInstrumentation } = createRequire(import.meta.url)('@genai-meter/instrumentation-google-genai') as {
    GoogleGenAIInstrumentation: new (c: object) => InstrumentationLike & { patchGoogleGenAI(m: unknown): void };
  };
  await runSdkOverhead({
    sdk: SDK,
    version: packageVersion(sdkRequire, SDK),
    instrumentation: '@genai-meter/instrumentation-google-genai',
    Instrumentation: GoogleGenAIInstrumentation,
    scenarios: {
      json: { title: 'models.generateContent, cached and thinking tokens', iterations: 2000, warmup: 2000 },
      stream20: { title: 'models.generateContentStream, 20 chunks', iterations: 400, warmup: 400 },
      helper20: { title: 'chats.create().sendMessageStream(), 20 chunks', iterations: 400, warmup: 400 },
      embeddings: { title: 'models.embedContent', iterations: 2000, warmup: 2000 },
    },
    load: async () => freshCommonJsCopy(sdkRequire, SDK),
    patch: (inst, copy) => {
      inst.patchGoogleGenAI(copy);
      return copy;
    },
    wrapped: (copy) => (copy.Models as ModelsClass).prototype.generateContentInternal.name === 'genaiMeterModels',
    calls: (copy) => {
      const ai = new (copy.GoogleGenAI as GoogleGenAIClass)({ apiKey: 'k', httpOptions: { baseUrl: 'https://generativelanguage.googleapis.com', fetch: fetchStub } });
      return {
        json: () => ai.models.generateContent({ model: MODEL, contents: PROMPT }),
        stream20: async () => {
          for await (const _ of await ai.models.generateContentStream({ model: MODEL, contents: PROMPT }));
        },
        helper20: async () => {
          for await (const _ of await ai.chats.create({ model: MODEL }).sendMessageStream({ message: PROMPT }));
        },
        embeddings: () => ai.models.embedContent({ model: EMBEDDING_MODEL, contents: PROMPT }),
      };
    },
  });
});
