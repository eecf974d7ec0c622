// An ES module app that knows nothing about metrics. Run it with:
//   node --import @genai-meter/node/register examples/esm-app/index.mjs
// It makes a chat call, a streaming chat call and an embeddings call to OPENAI_BASE_URL
// (default: a local simulator, `npx genai-meter-simulator`), prints what it got, and exits.
import OpenAI from 'openai';

const client = new OpenAI({
  baseURL: process.env.OPENAI_BASE_URL || 'http://127.0.0.1:8080/v1',
  apiKey: process.env.OPENAI_API_KEY || 'sk-simulator',
});
const model = process.env.EXAMPLE_MODEL || 'gpt-4o-mini';
const totals = { calls: 0, input: 0, output: 0 };
const count = (usage) => {
  totals.calls++;
  totals.input += usage?.prompt_tokens ?? 0;
  totals.output += usage?.completion_tokens ?? 0;
};

const chat = await client.chat.completions.create({
  model,
  messages: [{ role: 'user', content: 'Name three rivers in Europe.' }],
});
count(chat.usage);
console.log(`chat: ${chat.choices[0].message.content} (${chat.usage.prompt_tokens} in / ${chat.usage.completion_tokens} out)`);

const stream = await client.chat.completions.create({
  model,
  messages: [{ role: 'user', content: 'Count from one to five.' }],
  stream: true,
  stream_options: { include_usage: true },
});
let text = '';
let streamUsage;
for await (const chunk of stream) {
  text += chunk.choices[0]?.delta?.content ?? '';
  if (chunk.usage) streamUsage = chunk.usage;
}
count(streamUsage);
console.log(`stream: ${text} (${streamUsage.prompt_tokens} in / ${streamUsage.completion_tokens} out)`);

const embedding = await client.embeddings.create({
  model: 'text-embedding-3-small',
  input: ['genai-meter', 'OpenTelemetry metrics for LLM calls'],
});
count({ prompt_tokens: embedding.usage.prompt_tokens, completion_tokens: 0 });
console.log(`embeddings: ${embedding.data.length} vectors of ${embedding.data[0].embedding.length} dimensions (${embedding.usage.prompt_tokens} in)`);

console.log(`SUMMARY ${JSON.stringify(totals)}`);
