// A TypeScript app run by tsx, with per-feature cost attribution. Run it with:
//   node --import @genai-meter/node/register --import tsx examples/ts-app/index.ts
// Every call inside withAttributes() carries genai_meter.feature on its metrics, so spend can be
// split by feature. The app makes a chat, a streaming chat and an embeddings call, prints, and exits.
import OpenAI from 'openai';
import { withAttributes } from '@genai-meter/node';

interface Totals {
  calls: number;
  input: number;
  output: number;
}

const client = new OpenAI({
  baseURL: process.env.OPENAI_BASE_URL || 'http://127.0.0.1:8080/v1',
  apiKey: process.env.OPENAI_API_KEY || 'sk-simulator',
});
const model = process.env.EXAMPLE_MODEL || 'gpt-4o-mini';
const totals: Totals = { calls: 0, input: 0, output: 0 };

function count(usage: { prompt_tokens: number; completion_tokens?: number } | null | undefined): void {
  totals.calls++;
  totals.input += usage?.prompt_tokens ?? 0;
  totals.output += usage?.completion_tokens ?? 0;
}

async function answer(question: string): Promise<string> {
  const chat = await client.chat.completions.create({ model, messages: [{ role: 'user', content: question }] });
  count(chat.usage);
  return chat.choices[0]?.message.content ?? '';
}

async function summarise(text: string): Promise<string> {
  const stream = await client.chat.completions.create({
    model,
    messages: [{ role: 'user', content: `Summarise: ${text}` }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let out = '';
  for await (const chunk of stream) {
    out += chunk.choices[0]?.delta?.content ?? '';
    if (chunk.usage) count(chunk.usage);
  }
  return out;
}

async function index(texts: string[]): Promise<number> {
  const embedding = await client.embeddings.create({ model: 'text-embedding-3-small', input: texts });
  count({ prompt_tokens: embedding.usage.prompt_tokens, completion_tokens: 0 });
  return embedding.data.length;
}

const reply = await withAttributes({ 'genai_meter.feature': 'qa' }, () => answer('Name three rivers in Europe.'));
console.log(`qa: ${reply}`);
const summary = await withAttributes({ 'genai_meter.feature': 'summary' }, () => summarise(reply));
console.log(`summary: ${summary}`);
const vectors = await withAttributes({ 'genai_meter.feature': 'search' }, () => index(['genai-meter', 'OpenTelemetry metrics']));
console.log(`search: indexed ${vectors} texts`);
console.log(`SUMMARY ${JSON.stringify(totals)}`);
