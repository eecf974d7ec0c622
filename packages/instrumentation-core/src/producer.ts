// Hands the own aggregation (aggregation.ts) to an @opentelemetry/sdk-metrics MetricReader, as one more
// scope next to the SDK's own: `new PrometheusExporter({ metricProducers: [instrumentation.createMetricProducer()] })`.
// The reader keeps the SDK's resource; the points look exactly like the SDK's (same descriptors, buckets,
// start times per attribute set), so exporters cannot tell them apart. One producer per reader: a delta
// reader remembers what it reported last.
import type { Attributes, HrTime } from '@opentelemetry/api';
import type {
  AggregationTemporality,
  CollectionResult,
  DataPoint,
  Histogram,
  InstrumentType,
  MetricData,
  MetricDescriptor,
  MetricProducer,
  ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { attributesKey, HistogramCell, OVERFLOW_ATTRIBUTES, SumCell, type Cell, type OwnAggregation } from './aggregation.js';
import { METRICS, type MetricDefinition } from './semconv.js';
import type { SeriesRegistry } from './series.js';

// The sdk-metrics enum values (a type-only dependency: the instrumentation does not load the SDK).
// producer.test.ts checks them against the installed SDK.
export const DELTA = 0 as AggregationTemporality.DELTA;
export const CUMULATIVE = 1 as AggregationTemporality.CUMULATIVE;
const HISTOGRAM_POINTS = 0;
const GAUGE_POINTS = 2;
const SUM_POINTS = 3;
const VALUE_TYPE_DOUBLE = 1;

const INSTRUMENT_TYPE: Record<MetricDefinition['kind'], InstrumentType> = {
  histogram: 'HISTOGRAM' as InstrumentType,
  counter: 'COUNTER' as InstrumentType,
  updowncounter: 'OBSERVABLE_UP_DOWN_COUNTER' as InstrumentType,
  gauge: 'OBSERVABLE_GAUGE' as InstrumentType,
};

/** The instrumentation scope the metrics are reported under (the instrumentation's package). */
export interface ProducerScope {
  name: string;
  version: string;
}

export interface MetricProducerOptions {
  /**
   * Temporality per instrument type, as the reader's exporter wants it (e.g.
   * `(t) => exporter.selectAggregationTemporality(t)`). Default: cumulative for everything.
   */
  aggregationTemporalitySelector?: (instrumentType: InstrumentType) => AggregationTemporality;
}

/** What the producer reads at each collection; undefined while the instrumentation records through the SDK. */
export interface ProducerSource {
  aggregation: OwnAggregation;
  series: SeriesRegistry;
}

const OVERFLOW_KEY = attributesKey(OVERFLOW_ATTRIBUTES);

const hrTime = (ms: number): HrTime => [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];

/** The descriptor as the SDK builds it for an instrument (its runtime object also carries type and advice). */
function descriptor(def: MetricDefinition): MetricDescriptor {
  return {
    name: def.name,
    description: def.description,
    unit: def.unit,
    type: INSTRUMENT_TYPE[def.kind],
    valueType: VALUE_TYPE_DOUBLE,
    advice: def.buckets ? { explicitBucketBoundaries: [...def.buckets] } : {},
  } as MetricDescriptor;
}

/** What a delta reader reported last for a cell. */
interface Reported {
  at: number;
  count: number;
  sum: number;
  counts?: Float64Array;
}

export class GenAIMeterMetricProducer implements MetricProducer {
  private readonly selectTemporality: (instrumentType: InstrumentType) => AggregationTemporality;
  private readonly reported = new WeakMap<Cell, Reported>();
  private readonly startedAt = Date.now();

  constructor(
    private readonly source: () => ProducerSource | undefined,
    private readonly scope: ProducerScope,
    options: MetricProducerOptions = {},
  ) {
    this.selectTemporality = options.aggregationTemporalitySelector ?? (() => CUMULATIVE);
  }

  async collect(): Promise<CollectionResult> {
    const src = this.source();
    const metrics: MetricData[] = [];
    if (src) {
      const now = Date.now();
      for (const own of Object.values(src.aggregation.metrics)) {
        metrics.push(this.recorded(own.definition, own.all(), now));
      }
      const limit = src.aggregation.cardinalityLimit;
      metrics.push(this.observed(METRICS.activeRequests, now, limit, (observe) => src.series.observeActive(observe), true));
      metrics.push(this.observed(METRICS.rateLimitRemaining, now, limit, (observe) => src.series.observeRemaining(observe), false));
      metrics.push(this.observed(METRICS.rateLimitLimit, now, limit, (observe) => src.series.observeLimit(observe), false));
      // Like the SDK: a metric with nothing to report is left out (no HELP/TYPE lines for it on /metrics).
      for (let i = metrics.length - 1; i >= 0; i--) if (metrics[i]!.dataPoints.length === 0) metrics.splice(i, 1);
    }
    const resourceMetrics = {
      // MetricReader.collect keeps the SDK producer's resource and takes only the scopes of the others.
      resource: undefined as unknown as ResourceMetrics['resource'],
      scopeMetrics: metrics.length > 0 ? [{ scope: { name: this.scope.name, version: this.scope.version }, metrics }] : [],
    };
    return { resourceMetrics, errors: [] };
  }

  private recorded(def: MetricDefinition, cells: Iterable<Cell>, now: number): MetricData {
    const desc = descriptor(def);
    const temporality = this.selectTemporality(INSTRUMENT_TYPE[def.kind]);
    const endTime = hrTime(now);
    if (def.kind === 'histogram') {
      const dataPoints: DataPoint<Histogram>[] = [];
      for (const cell of cells) {
        if (!(cell instanceof HistogramCell) || cell.count === 0) continue;
        const point = temporality === CUMULATIVE ? cumulativeHistogram(cell, endTime) : this.deltaHistogram(cell, now);
        if (point) dataPoints.push(point);
      }
      return { descriptor: desc, aggregationTemporality: temporality, dataPointType: HISTOGRAM_POINTS, dataPoints } as MetricData;
    }
    const dataPoints: DataPoint<number>[] = [];
    for (const cell of cells) {
      if (!(cell instanceof SumCell) || cell.updates === 0) continue;
      if (temporality === CUMULATIVE) {
        dataPoints.push({ attributes: cell.attributes, startTime: hrTime(cell.startTime), endTime, value: cell.value });
        continue;
      }
      const last = this.reported.get(cell);
      if (last && last.count === cell.updates) continue;
      this.reported.set(cell, { at: now, count: cell.updates, sum: cell.value });
      dataPoints.push({ attributes: cell.attributes, startTime: hrTime(last?.at ?? cell.startTime), endTime, value: cell.value - (last?.sum ?? 0) });
    }
    return { descriptor: desc, aggregationTemporality: temporality, dataPointType: SUM_POINTS, dataPoints, isMonotonic: true } as MetricData;
  }

  /**
   * A delta histogram point: what was recorded since this reader's last collection. min and max are left
   * out: they cannot be recovered from two cumulative states (OTLP makes them optional).
   */
  private deltaHistogram(cell: HistogramCell, now: number): DataPoint<Histogram> | undefined {
    const last = this.reported.get(cell);
    if (last && last.count === cell.count) return undefined;
    const counts = Float64Array.from(cell.counts);
    this.reported.set(cell, { at: now, count: cell.count, sum: cell.sum, counts });
    return {
      attributes: cell.attributes,
      startTime: hrTime(last?.at ?? cell.startTime),
      endTime: hrTime(now),
      value: {
        buckets: { boundaries: [...cell.boundaries], counts: Array.from(counts, (c, i) => c - (last?.counts?.[i] ?? 0)) },
        count: cell.count - (last?.count ?? 0),
        sum: cell.sum - (last?.sum ?? 0),
      },
    };
  }

  /**
   * An observed metric: the in-flight sum (values of series that the attribute filter made equal add up)
   * or a rate-limit gauge (the last series wins, as in the SDK). Past the cardinality limit, sets fold
   * into the overflow set as the SDK folds them.
   */
  private observed(
    def: MetricDefinition,
    now: number,
    cardinalityLimit: number,
    observeAll: (observe: (v: number, a: Attributes) => void) => void,
    sum: boolean,
  ): MetricData {
    const desc = descriptor(def);
    const byKey = new Map<string, { attributes: Attributes; startTime: HrTime; endTime: HrTime; value: number }>();
    const startTime = hrTime(this.startedAt);
    const endTime = hrTime(now);
    observeAll((value, attributes) => {
      let key = attributesKey(attributes);
      if (!byKey.has(key) && byKey.size >= cardinalityLimit - 1) {
        key = OVERFLOW_KEY;
        attributes = OVERFLOW_ATTRIBUTES;
      }
      const point = byKey.get(key);
      if (point && sum) point.value += value;
      else byKey.set(key, { attributes, startTime, endTime, value });
    });
    const dataPoints = [...byKey.values()];
    if (sum) {
      // An up-down counter is cumulative whatever the reader prefers for counters (the SDK's delta and
      // low-memory presets agree).
      return { descriptor: desc, aggregationTemporality: CUMULATIVE, dataPointType: SUM_POINTS, dataPoints, isMonotonic: false } as MetricData;
    }
    return { descriptor: desc, aggregationTemporality: this.selectTemporality(INSTRUMENT_TYPE[def.kind]), dataPointType: GAUGE_POINTS, dataPoints } as MetricData;
  }
}

function cumulativeHistogram(cell: HistogramCell, endTime: HrTime): DataPoint<Histogram> {
  return {
    attributes: cell.attributes,
    startTime: hrTime(cell.startTime),
    endTime,
    value: {
      buckets: { boundaries: [...cell.boundaries], counts: Array.from(cell.counts) },
      count: cell.count,
      sum: cell.sum,
      min: cell.min,
      max: cell.max,
    },
  };
}
