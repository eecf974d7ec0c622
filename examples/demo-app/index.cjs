// The demo's workload: a service that calls LLM APIs the way a real one does, through the four SDKs
// genai-meter instruments: openai (chat, streaming chat, Responses, embeddings), the Vercel AI SDK (over an
// OpenAI-compatible endpoint), and, when their endpoints are given, @anthropic-ai/sdk and @google/genai,
// across models and product features. Metrics come from running it under
// `node --require @genai-meter/node/register`; the only genai-meter call here is withAttributes(), which
// tags each call with the product feature it served (per-feature cost).
//
// Env: OPENAI_BASE_URL, OPENAI_API_KEY, ANTHROPIC_BASE_URL (+ ANTHROPIC_API_KEY), GOOGLE_GEMINI_BASE_URL
//      (+ GEMINI_API_KEY), DEMO_RPS (calls started per second, default 6), DEMO_MAX_IN_FLIGHT (default 32),
//      DEMO_DURATION_S (0 = until SIGTERM/SIGINT), DEMO_QUIET.
const OpenAI = require('openai');
const Anthropic = require('@anthropic-ai/sdk');
const { GoogleGenAI } = require('@google/genai');
const { generateText, streamText } = require('ai');
const { createOpenAI } = require('@ai-sdk/openai');

let withAttributes = (_attrs, fn) => fn();
let shutdown = async () => {};
try {
  ({ withAttributes, shutdown } = require('@genai-meter/node'));
} catch {
  // Runs without genai-meter too: then it is just a load generator.
}

const rps = Number(process.env.DEMO_RPS || 6);
const maxInFlight = Number(process.env.DEMO_MAX_IN_FLIGHT || 32);
const durationS = Number(process.env.DEMO_DURATION_S || 0);
const quiet = Boolean(process.env.DEMO_QUIET);

const client = new OpenAI({
  baseURL: process.env.OPENAI_BASE_URL || 'http://127.0.0.1:8080/v1',
  apiKey: process.env.OPENAI_API_KEY || 'sk-simulator',
  maxRetries: 2,
  timeout: 20_000,
});

const vercel = createOpenAI({ baseURL: client.baseURL, apiKey: client.apiKey });
const anthropic = process.env.ANTHROPIC_BASE_URL
  ? new Anthropic({ baseURL: process.env.ANTHROPIC_BASE_URL, apiKey: process.env.ANTHROPIC_API_KEY || 'sk-ant-simulator', maxRetries: 2, timeout: 20_000 })
  : undefined;
const gemini = process.env.GOOGLE_GEMINI_BASE_URL
  ? new GoogleGenAI({ apiKey: process.env.GEMINI_API_KEY || 'gemini-simulator', httpOptions: { baseUrl: process.env.GOOGLE_GEMINI_BASE_URL } })
  : undefined;

// [weight, feature, call]
const m = (content) => [{ role: 'user', content }];
// A long shared system prompt (policy + retrieved documents), as RAG features send: providers cache it.
const CONTEXT = 'Company travel and expense policy, section by section. '.repeat(120);
const rag = (content) => [{ role: 'system', content: CONTEXT }, { role: 'user', content }];
const WORKLOAD = [
  [30, 'chat-assistant', () => client.chat.completions.create({ model: 'gpt-4o-mini', messages: m('Summarise my unread messages.') })],
  [15, 'chat-assistant', () => stream({ model: 'gpt-4o-mini', messages: m('Draft a reply to the last email.'), stream: true })],
  [10, 'search', () => client.chat.completions.create({ model: 'gpt-4.1-mini', messages: rag('Answer from the policy: hotel limit?'), max_tokens: 80 })],
  [12, 'search', () => client.embeddings.create({ model: 'text-embedding-3-small', input: ['quarterly report', 'travel policy'] })],
  [8, 'code-review', () => stream({ model: 'gpt-4.1', messages: m('Review this diff.'), stream: true })],
  [6, 'code-review', () => client.responses.create({ model: 'o4-mini', input: 'Find the bug in this function.' })],
  [6, 'analytics', () => client.responses.create({ model: 'gpt-5-mini', input: 'Explain this chart in two sentences.' })],
  [4, 'analytics', () => stream({ model: 'gpt-5', messages: m('Write the weekly business review.'), stream: true })],
  [3, 'chat-assistant', () => client.chat.completions.create({ model: 'gpt-4o', messages: rag('Plan my trip within the policy.') })],
  // The Vercel AI SDK over the same OpenAI-compatible endpoint.
  [6, 'search', () => generateText({ model: vercel.chat('gpt-4.1-mini'), prompt: 'Rewrite the query for search.', maxRetries: 2 })],
  [4, 'chat-assistant', () => drain(streamText({ model: vercel.chat('gpt-4o-mini'), prompt: 'Suggest three follow-up questions.', maxRetries: 2 }).textStream)],
  ...(anthropic
    ? [
        [8, 'code-review', () => anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 400, messages: m('Review this pull request.') })],
        [5, 'chat-assistant', async () => drain(await anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 300, stream: true, messages: m('Answer briefly.') }))],
      ]
    : []),
  ...(gemini
    ? [
        [6, 'analytics', () => gemini.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Summarise these metrics.' })],
        [4, 'search', async () => drain(await gemini.models.generateContentStream({ model: 'gemini-2.5-flash-lite', contents: 'Classify this query.' }))],
        [4, 'search', () => gemini.models.embedContent({ model: 'gemini-embedding-001', contents: 'travel policy' })],
      ]
    : []),
];
const totalWeight = WORKLOAD.reduce((a, w) => a + w[0], 0);

async function drain(iterable) {
  let chunks = 0;
  for await (const _ of iterable) chunks++;
  return chunks;
}

async function stream(body) {
  const s = await client.chat.completions.create(body);
  let chunks = 0;
  for await (const _ of s) chunks++;
  return chunks;
}

function pick() {
  let r = Math.random() * totalWeight;
  for (const w of WORKLOAD) if ((r -= w[0]) < 0) return w;
  return WORKLOAD[0];
}

const stats = { started: 0, ok: 0, failed: 0 };
let inFlight = 0;
let stopping = false;

function launch() {
  if (stopping || inFlight >= maxInFlight) return;
  const [, feature, call] = pick();
  inFlight++;
  stats.started++;
  withAttributes({ 'genai_meter.feature': feature }, call)
    .then(() => stats.ok++)
    .catch((err) => {
      stats.failed++;
      if (!quiet) console.error(`call failed: ${err.constructor.name}: ${err.message}`);
    })
    .finally(() => inFlight--);
}

const timer = setInterval(launch, 1000 / rps);

async function stop() {
  if (stopping) return;
  stopping = true;
  clearInterval(timer);
  const deadline = Date.now() + 25_000;
  while (inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  console.log(`demo-app: ${stats.started} calls, ${stats.ok} ok, ${stats.failed} failed`);
  await shutdown(); // flush the last export (OTLP) before leaving
  process.exit(0);
}

process.on('SIGTERM', stop);
process.on('SIGINT', stop);
if (durationS > 0) setTimeout(stop, durationS * 1000);
console.log(`demo-app: ${rps} calls/s to ${[client.baseURL, anthropic?.baseURL, process.env.GOOGLE_GEMINI_BASE_URL].filter(Boolean).join(', ')}`);
