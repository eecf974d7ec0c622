// Child: where a streamed chunk's cost goes, genai-meter on one openai major, in one process with the
// instrumentation switched between rounds (same process, same JIT state, interleaved rounds).
//   caller asks for usage (stream_options.include_usage) vs the instrumentation adding it (hidden from the caller),
//   with and without the per-chunk gen_ai.client.operation.time_per_output_chunk record.
// Each mode is compared with the uninstrumented SDK receiving the same bytes.
import { CHAT_MODEL, chatStreamEvents, sseFetch, type FetchLike } from './fixtures.js';
import { emit, flag, median, timeLoop } from './stats.js';
import { setupVariant, type Major } from './variants.js';

const major = Number(flag('major') ?? 7) as Major;
const chunks = Number(flag('chunks') ?? 500);
const rounds = Number(flag('rounds') ?? 9);
const streams = Number(flag('streams') ?? 40);

const setup = setupVariant('genai-meter', major);
const inst = setup.instrumentation!;
const withUsage = sseFetch(chatStreamEvents(chunks, true));
const withoutUsage = sseFetch(chatStreamEvents(chunks, false));
// Answers as the API does: the usage chunk only when the request asked for it.
const fetch: FetchLike = (url, init) =>
  (JSON.parse(String((init as { body?: unknown })?.body)).stream_options?.include_usage ? withUsage : withoutUsage)(url, init);
const client = new setup.OpenAI({ apiKey: 'sk-bench', fetch, maxRetries: 0 });
const messages = [{ role: 'user', content: 'Count.' }];

interface Mode {
  name: string;
  callerUsage: boolean;
  instrumented: boolean;
  perChunkRecord?: boolean;
  inject?: boolean;
}
const MODES: Mode[] = [
  { name: 'sdk alone, caller asks for usage', callerUsage: true, instrumented: false },
  { name: 'sdk alone, no usage asked', callerUsage: false, instrumented: false },
  { name: 'genai-meter, caller asks for usage', callerUsage: true, instrumented: true, perChunkRecord: true, inject: false },
  { name: 'genai-meter, caller asks for usage, no per-chunk record', callerUsage: true, instrumented: true, perChunkRecord: false, inject: false },
  { name: 'genai-meter adds usage (hidden)', callerUsage: false, instrumented: true, perChunkRecord: true, inject: true },
  { name: 'genai-meter adds usage (hidden), no per-chunk record', callerUsage: false, instrumented: true, perChunkRecord: false, inject: true },
];

function apply(mode: Mode): void {
  if (!mode.instrumented) {
    inst.disable();
    return;
  }
  inst.enable();
  inst.setConfig({ ...inst.getConfig(), recordTimePerOutputChunk: mode.perChunkRecord, injectStreamUsage: mode.inject ? true : false });
}

const run = (mode: Mode, n: number) =>
  timeLoop(n, async () => {
    const s = await client.chat.completions.create({ model: CHAT_MODEL, messages, stream: true, ...(mode.callerUsage ? { stream_options: { include_usage: true } } : {}) });
    for await (const _ of s);
  });

for (const mode of MODES) {
  apply(mode);
  await run(mode, Math.max(5, streams / 4));
}
const cpu = new Map<string, number[]>(MODES.map((m) => [m.name, []]));
for (let r = 0; r < rounds; r++) {
  // Rotate the order each round so no mode always follows the same neighbour (an A/A check of the fixed
  // order showed ±0.5 µs/chunk of bias between two copies of the same mode).
  for (let k = 0; k < MODES.length; k++) {
    const mode = MODES[(k + r) % MODES.length]!;
    apply(mode);
    cpu.get(mode.name)!.push((await run(mode, streams)).cpuUs);
    await setup.reader.collect();
  }
}
const med = (name: string) => median(cpu.get(name)!);
/** Median of the round-by-round differences with the base mode (rounds next to each other in time). */
const pairedAdded = (name: string, base: string) => median(cpu.get(name)!.map((v, i) => v - cpu.get(base)![i]!));
emit({
  major,
  chunks,
  rounds,
  streams,
  modes: MODES.map((m) => {
    const base = m.callerUsage ? MODES[0]! : MODES[1]!;
    const added = m.instrumented ? pairedAdded(m.name, base.name) : undefined;
    return { name: m.name, cpuUsPerStream: med(m.name), addedUsPerStream: added, addedUsPerChunk: added === undefined ? undefined : added / chunks };
  }),
});
