// Runs every benchmark, prints the markdown report and writes bench/results/latest.{md,json}.
// Usage (from the repository root): npm run bench [-- --quick] [-- --only startup,whole,attribution]
// --only runs the named sections (overhead, sdks, scrape, memory, streams, profile, attribution, startup, whole)
// and writes bench/results/only-<names>.{md,json} instead.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { runToResult, srcFile } from './child.js';
import { machineFacts } from './machine.js';
import { runOverhead } from './overhead.js';
import type { SdkOverheadResult } from './paired-rounds.js';
import { summarizeProfile } from './profile.js';
import { renderMarkdown, type AttributionResult, type ChunkOwnResult, type MemoryResult, type Results, type ScrapeResult, type StreamSplitResult } from './report.js';
import { runStartup } from './startup.js';
import { flag } from './stats.js';
import { runWholeProcess } from './whole.js';

const quick = process.argv.includes('--quick');
const SECTIONS = ['overhead', 'sdks', 'scrape', 'memory', 'streams', 'profile', 'attribution', 'startup', 'whole'] as const;
const only = flag('only')?.split(',');
for (const name of only ?? []) if (!(SECTIONS as readonly string[]).includes(name)) throw new Error(`--only: unknown section '${name}' (${SECTIONS.join(', ')})`);
const runs = (section: (typeof SECTIONS)[number]) => !only || only.includes(section);
const resultsDir = fileURLToPath(new URL('../results/', import.meta.url));
const log = (s: string) => process.stderr.write(`[bench +${((Date.now() - t0) / 1000).toFixed(0)}s] ${s}\n`);
const t0 = Date.now();
const startedAt = new Date().toISOString();
const machine = machineFacts();

log(`${quick ? 'quick' : 'full'} run on ${machine.cpuModel} x${machine.cores}, Node ${machine.node}, load ${machine.loadAverage1m}`);
const overhead = runs('overhead') ? await runOverhead(quick ? 0.05 : 1, quick ? 3 : 15, log) : undefined;

// The other SDKs' instrumentations, each against its SDK alone in a process of its own (paired-rounds.ts).
const sdks: SdkOverheadResult[] = [];
for (const script of runs('sdks') ? ['anthropic', 'google-genai', 'ai'] : []) {
  log(`sdks: ${script}-overhead.ts, the SDK alone vs genai-meter (internal, sdk) vs a second copy alone, paired rounds in one process`);
  sdks.push(await runToResult<SdkOverheadResult>(srcFile(`./${script}-overhead.ts`), ['--json', '--rounds', quick ? '3' : '20', '--scale', quick ? '0.1' : '1']));
}

let scrape: ScrapeResult | undefined;
if (runs('scrape')) {
  log('scrape: /metrics and OTLP export at each size');
  scrape = await runToResult<ScrapeResult>(srcFile('./scrape.ts'), quick ? ['--sizes', '100,2000', '--repeats', '3'] : ['--sizes', '100,2000,20000', '--repeats', '10']);
}

if (runs('memory')) log('memory: genai-meter and the SDK alone side by side, fixed label set then model-name flood');
// Each pair runs at the same time, one process per core, so both variants see the same conditions.
const memory: MemoryResult[] = [];
for (const mode of runs('memory') ? (['fixed', 'flood'] as const) : []) {
  const calls = quick ? (mode === 'fixed' ? 30_000 : 10_000) : mode === 'fixed' ? 1_000_000 : 100_000;
  memory.push(
    ...(await Promise.all(
      (['genai-meter', 'baseline'] as const).map((variant) =>
        runToResult<MemoryResult>(srcFile('./memory.ts'), ['--variant', variant, '--mode', mode, '--calls', String(calls)]),
      ),
    )),
  );
}

let chunkOwn: ChunkOwnResult | undefined;
const streamSplit: StreamSplitResult[] = [];
if (runs('streams')) {
  log('stream split: per-chunk cost by mode, genai-meter on openai 7 and 6');
  chunkOwn = await runToResult<ChunkOwnResult>(srcFile('./chunk-own.ts'), ['--rounds', quick ? '5' : '15', '--streams', quick ? '50' : '200']);
}
for (const major of runs('streams') ? [7, 6] : []) {
  const args = ['--major', String(major), '--chunks', quick ? '100' : '500', '--rounds', quick ? '3' : '15', '--streams', quick ? '10' : '40'];
  streamSplit.push(await runToResult<StreamSplitResult>(srcFile('./stream-split.ts'), args));
}


const profiles: Results['profiles'] = {};
const profDir = `${resultsDir}profiles/`;
if (runs('profile')) rmSync(profDir, { recursive: true, force: true });
for (const [scenario, calls] of (runs('profile') ? [
  ['chat', quick ? 3_000 : 40_000],
  ['stream500', quick ? 100 : 1_500],
] : []) as [string, number][]) {
  // The baseline is profiled too: the difference per owner shows where the added time goes.
  const summaries: Record<string, ReturnType<typeof summarizeProfile>> = {};
  for (const variant of ['genai-meter', 'baseline']) {
    log(`profile: ${variant}, ${scenario}, ${calls} calls under the V8 CPU profiler`);
    const file = `${profDir}${scenario}-${variant}.cpuprofile`;
    await runToResult(srcFile('./profile-target.ts'), ['--variant', variant, '--scenario', scenario, '--calls', String(calls), '--out', file]);
    summaries[variant] = summarizeProfile(file, 12);
  }
  profiles[scenario] = { ...(summaries['genai-meter'] as ReturnType<typeof summarizeProfile>), calls, baselineByOwner: summaries.baseline?.byOwner ?? [] };
}

let attribution: AttributionResult | undefined;
if (runs('attribution')) {
  log('attribution: plain calls, calls in withAttributes, calls with allow-listed baggage; genai-meter off/on in one process');
  attribution = await runToResult<AttributionResult>(srcFile('./attribution.ts'), ['--rounds', quick ? '3' : '15', '--iterations', quick ? '200' : '2000']);
}

// Whole processes last: they measure from outside, and the sections above leave nothing running.
const startup = runs('startup') ? await runStartup(quick ? 3 : 20, log) : undefined;
const whole = runs('whole') ? await runWholeProcess(quick ? { callsLow: 100, callsHigh: 600, rounds: 2, sameProcessRounds: 2 } : { callsLow: 500, callsHigh: 3_500, rounds: 6, sameProcessRounds: 24 }, log) : undefined;

const results: Results = {
  quick,
  startedAt,
  seconds: (Date.now() - t0) / 1000,
  machine,
  loadAverageEnd: Number((loadavg()[0] ?? 0).toFixed(2)),
  overhead,
  ...(sdks.length ? { sdks } : {}),
  scrape,
  memory,
  streamSplit,
  chunkOwn,
  profiles,
  ...(attribution ? { attribution } : {}),
  ...(startup ? { startup } : {}),
  ...(whole ? { whole } : {}),
};
const md = renderMarkdown(results);
mkdirSync(resultsDir, { recursive: true });
const name = only ? `only-${only.join('-')}${quick ? '-quick' : ''}` : quick ? 'quick' : 'latest';
writeFileSync(`${resultsDir}${name}.md`, md);
writeFileSync(`${resultsDir}${name}.json`, `${JSON.stringify(results, null, 1)}\n`);
process.stdout.write(md);
log(`done in ${((Date.now() - t0) / 1000).toFixed(0)} s; wrote bench/results/${name}.md and .json`);
