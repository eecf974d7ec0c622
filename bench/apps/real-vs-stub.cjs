// Run under `node --require @genai-meter/node/register` with OPENAI_BASE_URL set: the same instrumentation
// switched off and on between interleaved rounds, for calls over HTTP to the simulator and for calls whose
// `fetch` answers in-process (as in the in-process bench). Prints the CPU genai-meter adds per call in each
// case: what a hot loop without I/O measures next to what a call in a real process costs.
const OpenAI = require('openai');
const { current } = require('@genai-meter/node');

const rounds = Number(process.env.ROUNDS ?? 24);
const body = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1_760_000_000,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello!', refusal: null }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 19, completion_tokens: 10, total_tokens: 29 },
  service_tier: 'default',
});
const headers = { 'content-type': 'application/json', 'x-ratelimit-limit-requests': '10000', 'x-ratelimit-remaining-requests': '9999', 'x-ratelimit-limit-tokens': '10000000', 'x-ratelimit-remaining-tokens': '9999971' };
// The in-process client talks to the same host name as the HTTP one, so both take the same code paths.
const clients = {
  http: { client: new OpenAI({ apiKey: 'sk-bench', baseURL: process.env.OPENAI_BASE_URL, maxRetries: 0 }), calls: 1000 },
  'in-process fetch': {
    client: new OpenAI({ apiKey: 'sk-bench', baseURL: process.env.OPENAI_BASE_URL, maxRetries: 0, fetch: async () => new Response(body, { status: 200, headers }) }),
    calls: 4000,
  },
};
const request = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello.' }] };
const meter = current();
const instrumentations = meter.instrumentations ?? [meter.instrumentation]; // builds before one instrumentation per SDK had one
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function main() {
  for (const { client } of Object.values(clients)) for (let i = 0; i < 500; i++) await client.chat.completions.create(request);
  const modes = Object.keys(clients).flatMap((name) => [`${name}:off`, `${name}:on`]);
  const cpu = Object.fromEntries(modes.map((m) => [m, []]));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < modes.length; k++) {
      const mode = modes[(k + r) % modes.length];
      const [name, state] = mode.split(':');
      for (const i of instrumentations) state === 'on' ? i.enable() : i.disable();
      const { client, calls } = clients[name];
      const c0 = process.cpuUsage();
      for (let i = 0; i < calls; i++) await client.chat.completions.create(request);
      const c = process.cpuUsage(c0);
      cpu[mode].push((c.user + c.system) / calls);
    }
  }
  const out = {};
  for (const name of Object.keys(clients)) {
    const added = cpu[`${name}:on`].map((v, i) => v - cpu[`${name}:off`][i]);
    const sorted = [...added].sort((a, b) => a - b);
    out[name] = { offUs: median(cpu[`${name}:off`]), addedUs: median(added), q1: sorted[Math.floor(sorted.length / 4)], q3: sorted[Math.floor((3 * sorted.length) / 4)] };
  }
  console.log(`REPORT ${JSON.stringify({ rounds, ...out })}`);
}
main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
