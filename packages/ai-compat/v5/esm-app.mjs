// Part of instrumentation-ai's ESM test app (test/fixtures/esm-app.mjs): imports ai 5's ES module build by the
// `ai` specifier, as an app on ai 5 does.
import { generateText } from 'ai';
import { createOpenAI } from '@ai-sdk/openai';

const openai = createOpenAI({ baseURL: `${process.env.SIM_URL}/v1`, apiKey: 'k' });
await generateText({ model: openai.chat('esm5-model'), prompt: 'hi', headers: { 'x-sim-usage': 'prompt=17,completion=6' } });
