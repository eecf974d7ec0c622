// Test data shaped like production for the promtool tests: processes that record calls and spend,
// export cumulative values every 60 s over OTLP to a collector (whose Prometheus exporter keeps a
// series until metric_expiration after its last update) or are scraped directly (a restart behind the
// same target resets the counters; a failed scrape marks every series stale), all scraped on a 15 s
// grid. The same samples give the truth: what every sample added, a first sample and a reset in full.
import { GENAI_METER_SCOPE_PREFIX } from '@genai-meter/instrumentation-openai/semconv';
import { L } from './promnames.js';

export type Labels = Record<string, string>;

/** The promtool input grid, in seconds. */
export const GRID = 15;

export const SCOPE_LABELS: Labels = { otel_scope_name: `${GENAI_METER_SCOPE_PREFIX}instrumentation-openai`, otel_scope_version: '0.1.0' };
/** The contrib instrumentation records the same semconv names in the same process under its own scope. */
export const CONTRIB_SCOPE_LABELS: Labels = { otel_scope_name: '@opentelemetry/instrumentation-openai', otel_scope_version: '0.22.0' };

/** A raw series as Prometheus stores it: a value per grid index, `stale` for a staleness marker. */
export interface GridSeries {
  readonly name: string;
  readonly labels: Labels;
  readonly values: ReadonlyMap<number, number | 'stale'>;
}

export const seriesText = (name: string, labels: Labels): string =>
  `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ')}}`;

const num = (v: number): string => (Object.is(v, -0) ? '0' : String(v));

/** promtool's notation: `_` for no sample, runs compressed (`axn` = n+1 times a, `_xn` = n blanks). */
export function promtoolValues(values: ReadonlyMap<number, number | 'stale'>, points: number): string {
  const out: string[] = [];
  let i = 0;
  while (i < points) {
    const v = values.get(i);
    let j = i + 1;
    while (j < points && values.get(j) === v && v !== 'stale') j++;
    const run = j - i;
    if (v === undefined) out.push(run > 1 ? `_x${run}` : '_');
    else if (v === 'stale') out.push('stale');
    else out.push(run > 1 ? `${num(v)}x${run - 1}` : num(v));
    i = j;
  }
  // Trailing blanks carry no information.
  while (out.length && /^_/.test(out[out.length - 1]!)) out.pop();
  return out.join(' ');
}

/**
 * The exact increase of a series over (from, to] seconds: what each sample in the window added to the
 * one before it (looking back `lookback` seconds before the window), a first sample and a reset in full.
 */
export function trueIncrease(s: GridSeries, from: number, to: number, lookback = 86400): number {
  let prev: number | undefined;
  let total = 0;
  for (const [i, v] of [...s.values].sort((a, b) => a[0] - b[0])) {
    const t = i * GRID;
    if (v === 'stale' || t <= from - lookback) continue;
    if (t > to) break;
    if (t > from) total += prev === undefined || v < prev ? v : v - prev;
    prev = v;
  }
  return total;
}

// ---------------------------------------------------------------- processes

/** What one process records: cumulative values per series key, as functions of its own clock. */
export interface ProcessSpec {
  /** Labels of every series of the process (resource labels, scope, job/instance of its path). */
  readonly labels: Labels;
  /** Seconds (test time) the process starts and ends. */
  readonly start: number;
  readonly end: number;
  /**
   * The cumulative value of each series at a time (seconds since the process started); a series is
   * exported once it has a value. Keys are `name{labels}` as produced by `seriesKey`.
   */
  readonly cumulative: (elapsed: number) => ReadonlyMap<string, number>;
}

interface SeriesKey {
  name: string;
  labels: Labels;
}
const KEY_SEP = '\u0000';
export const seriesKey = (name: string, labels: Labels): string => `${name}${KEY_SEP}${JSON.stringify(labels)}`;
const parseKey = (k: string): SeriesKey => {
  const [name, labels] = k.split(KEY_SEP) as [string, string];
  return { name, labels: JSON.parse(labels) as Labels };
};

function addSample(out: Map<string, GridSeries>, key: string, extra: Labels, i: number, v: number | 'stale'): void {
  const { name, labels } = parseKey(key);
  const full = { ...extra, ...labels };
  const id = seriesKey(name, full);
  let s = out.get(id);
  if (!s) out.set(id, (s = { name, labels: full, values: new Map() }));
  (s.values as Map<number, number | 'stale'>).set(i, v);
}

/**
 * OTLP to a collector, scraped every `scrapeEvery` seconds: the exporter shows each series' last exported
 * value from its first export on, and drops it `expiration` seconds after its last update (Prometheus
 * then marks it stale). The SDK exports every `exportEvery` seconds from `exportPhase` after start, and
 * once more at shutdown.
 */
export function viaCollector(p: ProcessSpec, o: { exportEvery?: number; exportPhase?: number; scrapeEvery?: number; scrapePhase?: number; expiration?: number; until: number }): GridSeries[] {
  const exportEvery = o.exportEvery ?? 60;
  const expiration = o.expiration ?? 300;
  const exports: number[] = [];
  for (let t = p.start + (o.exportPhase ?? exportEvery); t < p.end; t += exportEvery) exports.push(t);
  exports.push(p.end);
  const out = new Map<string, GridSeries>();
  const shown = new Set<string>();
  for (let t = o.scrapePhase ?? 0; t <= o.until; t += o.scrapeEvery ?? GRID) {
    const i = t / GRID;
    if (!Number.isInteger(i)) throw new Error(`scrape at ${t}s is off the ${GRID}s grid`);
    const done = exports.filter((e) => e <= t);
    if (done.length === 0) continue;
    if (p.end <= t && t - p.end > expiration) {
      // The process is gone and its series expired from the exporter: stale at the next scrape, then nothing.
      for (const k of shown) addSample(out, k, p.labels, i, 'stale');
      shown.clear();
      continue;
    }
    for (const [k, v] of p.cumulative(done[done.length - 1]! - p.start)) {
      addSample(out, k, p.labels, i, v);
      shown.add(k);
    }
  }
  return [...out.values()];
}

/**
 * exporter-prometheus scraped directly every `scrapeEvery` seconds: each scrape reads the process's
 * current values; while the process is down the scrape fails and its series are stale.
 */
export function scrapedDirectly(processes: readonly ProcessSpec[], o: { scrapeEvery?: number; scrapePhase?: number; until: number }): GridSeries[] {
  const out = new Map<string, GridSeries>();
  const live = new Set<string>();
  for (let t = o.scrapePhase ?? 0; t <= o.until; t += o.scrapeEvery ?? GRID) {
    const i = t / GRID;
    if (!Number.isInteger(i)) throw new Error(`scrape at ${t}s is off the ${GRID}s grid`);
    const p = processes.find((x) => x.start <= t && t < x.end);
    const now = p ? p.cumulative(t - p.start) : new Map<string, number>();
    for (const k of live) {
      if (!now.has(k)) {
        addSample(out, k, processes[0]!.labels, i, 'stale');
        live.delete(k);
      }
    }
    for (const [k, v] of now) {
      addSample(out, k, p!.labels, i, v);
      live.add(k);
    }
  }
  return [...out.values()];
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so generated files are stable. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The service and environment labels of a resource, as both paths put them on every series. */
export const resource = (service: string, environment: string, namespace = 'shop'): Labels => ({
  [L.service]: service,
  service_namespace: namespace,
  [L.environment]: environment,
});
