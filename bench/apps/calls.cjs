// A process that makes CALLS sequential non-streaming chat completions to OPENAI_BASE_URL and exits, as a
// batch job does. ATTRIBUTION=feature makes each call inside withAttributes({ 'genai_meter.feature': ... }).
// It also prints the CPU time of its call loop (process.cpuUsage, all threads): the per-call cost seen from
// inside, without start-up and exit.
const OpenAI = require('openai');

const calls = Number(process.env.CALLS ?? 1000);
const attribution = process.env.ATTRIBUTION === 'feature';
const client = new OpenAI({ apiKey: 'sk-bench', baseURL: process.env.OPENAI_BASE_URL, maxRetries: 0 });
const call = () => client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello.' }] });

async function main() {
  const { withAttributes } = attribution ? require('@genai-meter/node') : {};
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < calls; i++) {
    if (attribution) await withAttributes({ 'genai_meter.feature': 'search' }, async () => await call());
    else await call();
  }
  const cpu = process.cpuUsage(cpu0);
  console.log(`REPORT ${JSON.stringify({ loopCpuUs: cpu.user + cpu.system, calls })}`);
}
main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
