// Child run under --cpu-prof: genai-meter on openai 6, one scenario, many calls, nothing else.
import { makeCall, type Scenario } from './scenarios.js';
import { emit, flag } from './stats.js';
import { setupVariant } from './variants.js';

const scenario = (flag('scenario') ?? 'chat') as Scenario;
const calls = Number(flag('calls') ?? 30_000);
const setup = setupVariant('genai-meter', 6);
const call = makeCall(setup.OpenAI, scenario);
for (let i = 0; i < calls; i++) {
  await call();
  if ((i + 1) % 5000 === 0) await setup.reader.collect();
}
await setup.reader.collect();
emit({ scenario, calls });
await setup.provider.shutdown();
