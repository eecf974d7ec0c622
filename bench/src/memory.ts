// Child (run with --expose-gc): RSS and heap over many calls through one variant (genai-meter or the SDK
// alone) on openai 7. main.ts runs genai-meter and the baseline side by side, under the same conditions.
//   --mode fixed: the same model every call; memory must be flat after warm-up.
//   --mode flood: a new model name every call; the label set must stay bounded by maxModels (200 -> _OTHER).
// The reader is collected every 10,000 calls, as a periodic exporter would.
//
// What RSS is made of, and why each reading splits it: after gc(), RSS in this loop is mostly V8 heap
// pages that hold nothing. V8 grows the new space in steps as objects keep surviving scavenges (two
// semi-spaces, up to 2 x 64 MB without pointer compression), and after a mark-compact it keeps the
// old-space pages it emptied in a pool for reuse (`--trace-gc` prints it as "pooled: N MB") instead of
// returning them to the OS; the pool follows the old generation's GC threshold, which grows with the live
// heap. Both settle after a few hundred thousand calls, and the SDK alone does the same. The rest of the
// growth is glibc arenas of V8's background compiler threads (gone with --no-concurrent-recompilation).
// Each reading therefore records, besides rss/heapTotal/heapUsed, the new space's size and (Linux) the
// resident size of V8's 256 KB heap pages, so the report can tell empty V8 pages from everything else
// (malloc, buffers, stacks, code): a leak of JS objects shows in heapUsed, a native leak in RSS outside
// V8's pages. At the end, one memory-reducing GC shows how much of RSS V8 hands back.
import { readFileSync } from 'node:fs';
import v8 from 'node:v8';
import { chatCompletionJson, echoModelFetch, jsonFetch } from './fixtures.js';
import { countPoints, summarize } from './meter.js';
import type { MemoryReading as Reading } from './report.js';
import { emit, flag } from './stats.js';
import { setupVariant, type Variant } from './variants.js';

const mode = flag('mode') === 'flood' ? 'flood' : 'fixed';
const calls = Number(flag('calls') ?? (mode === 'fixed' ? 1_000_000 : 100_000));
const READINGS = 10;
/** Growth is measured from the 3rd reading (30% of the calls): V8's new-space size and page pool settle
 * after about 250,000 calls of 1M, in both variants; at 10% RSS was still climbing in the SDK alone. */
const WARMUP_READING = 3;
/** The earlier warm-up (10%), reported for comparison. */
const SHORT_WARMUP_READING = 1;
const COLLECT_EVERY = 10_000;

const gc = (globalThis as { gc?: (opts?: object) => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

const variant = (flag('variant') ?? 'genai-meter') as Variant;
if (variant !== 'genai-meter' && variant !== 'baseline') throw new Error(`memory: unsupported variant ${variant}`);
const setup = setupVariant(variant, 7);
const client = new setup.OpenAI({ apiKey: 'sk-bench', fetch: mode === 'fixed' ? jsonFetch(chatCompletionJson()) : echoModelFetch() });
const messages = [{ role: 'user', content: 'Say hello.' }];

const MB = 1024 * 1024;

/** Resident MB of anonymous read-write mappings of exactly one V8 page (256 KB): V8 maps each heap page on
 * its own, pooled ones included; a malloc'd block is rarely exactly this size (its header counts). */
function v8PagesMB(): number | undefined {
  let text: string;
  try {
    text = readFileSync('/proc/self/smaps', 'utf8');
  } catch {
    return undefined;
  }
  let kb = 0;
  let inPage = false;
  for (const line of text.split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \d+\s*(\S*)/.exec(line);
    if (head) {
      inPage = parseInt(head[2] as string, 16) - parseInt(head[1] as string, 16) === 256 * 1024 && head[3] === 'rw-p' && !head[4];
      continue;
    }
    if (inPage && line.startsWith('Rss:')) kb += Number(/(\d+)/.exec(line)?.[1] ?? 0);
  }
  return kb / 1024;
}

function snapshot(): Omit<Reading, 'calls' | 'series'> {
  const m = process.memoryUsage();
  let newSpace = 0;
  let paged = 0;
  for (const s of v8.getHeapSpaceStatistics()) {
    if (s.space_name === 'new_space') newSpace = s.physical_space_size;
    if (!s.space_name.includes('large_object') && !s.space_name.startsWith('code')) paged += s.physical_space_size;
  }
  const pages = v8PagesMB();
  return {
    rssMB: m.rss / MB,
    heapTotalMB: m.heapTotal / MB,
    heapUsedMB: m.heapUsed / MB,
    externalMB: m.external / MB,
    arrayBuffersMB: m.arrayBuffers / MB,
    newSpaceMB: newSpace / MB,
    pagedSpacesMB: paged / MB,
    // Sanity check: if V8's page size or mapping scheme changes, report nothing rather than a wrong split.
    ...(pages !== undefined && pages >= paged / MB / 2 ? { v8PagesMB: pages } : {}),
  };
}

async function reading(done: number): Promise<Reading> {
  const series = countPoints(await summarize(setup.reader));
  gc?.();
  gc?.();
  return { calls: done, ...snapshot(), series };
}

let done = 0;
const run = async (n: number) => {
  for (let i = 0; i < n; i++, done++) {
    const model = mode === 'fixed' ? 'gpt-4o-mini' : `flood-model-${done}`;
    await client.chat.completions.create({ model, messages });
    if ((done + 1) % COLLECT_EVERY === 0) await setup.reader.collect();
  }
};

const t0 = Date.now();
const start = await reading(0);
const readings: Reading[] = [];
// Readings at every tenth of the run: the warm-up points (10% and 30%) are among them.
for (let k = 1; k <= READINGS; k++) {
  await run(Math.round((calls * k) / READINGS) - done);
  readings.push(await reading(done));
}
const seconds = (Date.now() - t0) / 1000;
const first = readings[WARMUP_READING - 1] as Reading;
const short = readings[SHORT_WARMUP_READING - 1] as Reading;
const last = readings[readings.length - 1] as Reading;
const pct = (a: number, b: number) => ((b - a) / a) * 100;

// V8 asked to give back what it can (a memory-reducing GC, the kind its memory reducer runs when a process
// goes idle): shrinks the new space, releases pooled pages. Once, after the last reading, so that it does
// not change how the heap grows during the run.
gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
const reduced = snapshot();

// Model label values seen on the duration histogram: bounded by maxModels (+ _OTHER).
const { resourceMetrics } = await setup.reader.collect();
const models = new Set<string>();
for (const s of resourceMetrics.scopeMetrics)
  for (const m of s.metrics)
    if (m.descriptor.name === 'gen_ai.client.operation.duration')
      for (const p of m.dataPoints) models.add(String(p.attributes['gen_ai.request.model']));
emit({
  variant,
  mode,
  calls,
  warmup: first.calls,
  shortWarmup: short.calls,
  seconds,
  start,
  readings,
  reduced,
  rssGrowthPct: pct(first.rssMB, last.rssMB),
  heapTotalGrowthPct: pct(first.heapTotalMB ?? NaN, last.heapTotalMB ?? NaN),
  heapGrowthPct: pct(first.heapUsedMB, last.heapUsedMB),
  rssGrowthShortWarmupPct: pct(short.rssMB, last.rssMB),
  distinctModelLabels: models.size,
  overflowLabel: models.has('_OTHER'),
});
await setup.provider.shutdown();
process.exit(0);
