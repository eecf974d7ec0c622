// Child: one variant (default genai-meter) on openai 6, one scenario, many calls, profiled with V8's CPU
// profiler (the one --cpu-prof drives) through node:inspector, started after set-up and warm-up so the
// profile holds the steady state only, not module loading.
import { writeFileSync, mkdirSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { dirname } from 'node:path';
import { makeCall, type Scenario } from './scenarios.js';
import { emit, flag } from './stats.js';
import { setupVariant, type Variant } from './variants.js';

const scenario = (flag('scenario') ?? 'chat') as Scenario;
const calls = Number(flag('calls') ?? 30_000);
const out = flag('out') ?? 'profile.cpuprofile';
const setup = setupVariant((flag('variant') ?? 'genai-meter') as Variant, 6);
const call = makeCall(setup.OpenAI, scenario);
const loop = async (n: number) => {
  for (let i = 0; i < n; i++) {
    await call();
    if ((i + 1) % 5000 === 0) await setup.reader.collect();
  }
};
await loop(Math.max(50, Math.round(calls / 10)));
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 100 });
await session.post('Profiler.start');
await loop(calls);
await setup.reader.collect();
const { profile } = await session.post('Profiler.stop');
session.disconnect();
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(profile));
emit({ scenario, calls });
await setup.provider.shutdown();
