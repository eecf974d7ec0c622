// Where a call's values go. Every attribute set the hot path uses is bound once to a Recording, so a
// call pays `recording.record(value)` and nothing else per value.
//
// Two implementations:
// - SDK sinks: OTel API instruments. Works with any MeterProvider; each record pays the SDK's per-record
//   cost (attribute hashing: sorting keys and JSON-encoding the set, about 1 µs with our 6-7 attributes).
// - Own aggregation ('internal'): the same explicit-bucket histograms and sums, kept here in cells bound
//   once per attribute set, and handed to MetricReaders at collection time by a MetricProducer
//   (producer.ts). A record is a bucket search and a few additions.
import type { Attributes, Counter, Histogram } from '@opentelemetry/api';
import { METRICS, type MetricDefinition } from './semconv.js';

/** One attribute set of one metric, ready to take values. */
export interface Recording {
  record(value: number): void;
}

/** One metric: binds attribute sets to Recordings (once per set on the hot path). */
export interface Sink {
  bind(attributes: Attributes): Recording;
}

/** The metrics a call records values into (the others are observed at collection time). */
export const RECORDED_METRICS = ['duration', 'tokenUsage', 'timeToFirstChunk', 'timePerOutputChunk', 'cost', 'retries', 'tokenDetails', 'unpricedCalls'] as const;
export type RecordedMetric = (typeof RECORDED_METRICS)[number];
export type Sinks = Record<RecordedMetric, Sink>;

/** Keeps or drops attribute keys before a set is bound (the same as a View's attribute processors, paid once per set). */
export type AttributeFilter = (attributes: Attributes) => Attributes;

export function attributeFilter(allow: readonly string[] | undefined, drop: readonly string[] | undefined): AttributeFilter | undefined {
  const allowSet = allow ? new Set(allow) : undefined;
  const dropSet = drop && drop.length > 0 ? new Set(drop) : undefined;
  if (!allowSet && !dropSet) return undefined;
  return (attributes) => {
    const out: Attributes = {};
    for (const key of Object.keys(attributes)) {
      if (allowSet && !allowSet.has(key)) continue;
      if (dropSet?.has(key)) continue;
      out[key] = attributes[key];
    }
    return out;
  };
}

// ---- SDK sinks ----

export function sdkSink(instrument: Histogram | Counter, kind: 'histogram' | 'counter', filter: AttributeFilter | undefined): Sink {
  return {
    bind(attributes) {
      const attrs = filter ? filter(attributes) : attributes;
      if (kind === 'histogram') return { record: (value) => (instrument as Histogram).record(value, attrs) };
      return { record: (value) => (instrument as Counter).add(value, attrs) };
    },
  };
}

// ---- own aggregation ----

/** The attribute set the SDK uses for points past the cardinality limit. */
export const OVERFLOW_ATTRIBUTES: Attributes = Object.freeze({ 'otel.metric.overflow': true });

/** A canonical key for an attribute set (sorted keys), computed once per bound set. */
export function attributesKey(attributes: Attributes): string {
  return JSON.stringify(
    Object.keys(attributes)
      .sort()
      .map((k) => [k, attributes[k]]),
  );
}

/** Explicit-bucket histogram of one attribute set: bucket i counts values in (bounds[i-1], bounds[i]], like the SDK. */
export class HistogramCell implements Recording {
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  readonly counts: Float64Array;
  constructor(
    readonly attributes: Attributes,
    readonly boundaries: readonly number[],
    readonly startTime: number,
  ) {
    this.counts = new Float64Array(boundaries.length + 1);
  }
  record(value: number): void {
    // A histogram takes no negative values (the SDK drops them too); `!(>= 0)` also rejects NaN.
    if (!(value >= 0)) return;
    const b = this.boundaries;
    // Binary search for the first boundary >= value (14-18 boundaries: 4-5 steps).
    let lo = 0;
    let hi = b.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (b[mid]! < value) lo = mid + 1;
      else hi = mid;
    }
    this.counts[lo]!++;
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }
}

/** A monotonic sum (counter) of one attribute set. */
export class SumCell implements Recording {
  value = 0;
  /** Records taken: a delta reader reports the set only when it changed. */
  updates = 0;
  constructor(
    readonly attributes: Attributes,
    readonly startTime: number,
  ) {}
  record(value: number): void {
    if (!(value >= 0)) return;
    this.value += value;
    this.updates++;
  }
}

export type Cell = HistogramCell | SumCell;

/** One metric's cells, by attribute set; past the cardinality limit new sets share the overflow cell. */
export class OwnMetric implements Sink {
  readonly cells = new Map<string, Cell>();
  private overflow: Cell | undefined;

  constructor(
    readonly definition: MetricDefinition,
    private readonly filter: AttributeFilter | undefined,
    private readonly cardinalityLimit: number,
  ) {}

  bind(attributes: Attributes): Cell {
    const attrs = this.filter ? this.filter(attributes) : attributes;
    const key = attributesKey(attrs);
    const cell = this.cells.get(key);
    if (cell) return cell;
    // Like the SDK: limit - 1 sets of their own, then one overflow set.
    if (this.cells.size >= this.cardinalityLimit - 1) {
      this.overflow ??= this.create(OVERFLOW_ATTRIBUTES);
      return this.overflow;
    }
    const created = this.create(attrs);
    this.cells.set(key, created);
    return created;
  }

  /** Every cell, overflow last. */
  *all(): IterableIterator<Cell> {
    yield* this.cells.values();
    if (this.overflow) yield this.overflow;
  }

  private create(attributes: Attributes): Cell {
    const now = Date.now();
    return this.definition.kind === 'histogram'
      ? new HistogramCell(attributes, this.definition.buckets ?? [], now)
      : new SumCell(attributes, now);
  }
}

export interface OwnAggregationOptions {
  filter?: AttributeFilter;
  /** Attribute sets per metric before new ones fold into `otel.metric.overflow` (the SDK's default is 2000). */
  cardinalityLimit?: number;
}

/** The own-aggregation sinks of one instrumentation. */
export class OwnAggregation {
  readonly metrics: Record<RecordedMetric, OwnMetric>;
  readonly filter: AttributeFilter | undefined;
  readonly cardinalityLimit: number;

  constructor(options: OwnAggregationOptions = {}) {
    this.filter = options.filter;
    this.cardinalityLimit = options.cardinalityLimit ?? 2000;
    const metric = (key: RecordedMetric) => new OwnMetric(METRICS[key], this.filter, this.cardinalityLimit);
    this.metrics = Object.fromEntries(RECORDED_METRICS.map((key) => [key, metric(key)])) as Record<RecordedMetric, OwnMetric>;
  }
}
