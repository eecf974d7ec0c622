// The floor: the OTel SDK record calls genai-meter makes for one call, replayed alone. The recipe
// (instrument, attribute set, records per call, mean value) is learned from genai-meter itself: run a
// few calls through it, collect, divide counts by calls. The replay uses a fresh MeterProvider with the
// same instruments and one pre-built attribute object per point, so it is the SDK's cost and nothing else.
import { createRequire } from 'node:module';
import type { Attributes, Counter, Histogram } from '@opentelemetry/api';
import { DataPointType, MeterProvider, OnDemandReader } from './meter.js';
import { makeCall, type Scenario } from './scenarios.js';
import { setupVariant } from './variants.js';

const require = createRequire(import.meta.url);

interface MetricDefinition {
  name: string;
  kind: string;
  unit: string;
  description: string;
  buckets?: readonly number[];
}

interface Step {
  record: (value: number, attributes: Attributes) => void;
  attributes: Attributes;
  value: number;
  /** Records of this point per call (e.g. 1 for duration, chunks-1 for time per output chunk). */
  perCall: number;
}

export interface FloorRecipe {
  steps: Step[];
  recordsPerCall: number;
}

const LEARN_CALLS = 40;

export class Floor {
  readonly reader = new OnDemandReader();
  readonly provider = new MeterProvider({ readers: [this.reader] });
  private readonly instruments = new Map<string, Histogram | Counter>();
  private readonly learner = setupVariant('genai-meter', 6);
  readonly recipes = new Map<Scenario, FloorRecipe>();

  constructor() {
    const { METRICS } = require('@genai-meter/instrumentation-openai') as { METRICS: Record<string, MetricDefinition> };
    const meter = this.provider.getMeter('@genai-meter/instrumentation-openai');
    for (const def of Object.values(METRICS)) {
      if (def.kind === 'histogram') {
        this.instruments.set(
          def.name,
          meter.createHistogram(def.name, { description: def.description, unit: def.unit, advice: def.buckets ? { explicitBucketBoundaries: [...def.buckets] } : {} }),
        );
      } else if (def.kind === 'counter') {
        this.instruments.set(def.name, meter.createCounter(def.name, { description: def.description, unit: def.unit }));
      }
    }
  }

  /** Runs LEARN_CALLS real calls through genai-meter (separate provider) and derives the per-call records. */
  async learn(scenario: Scenario): Promise<FloorRecipe> {
    await this.learner.reader.collect(); // reset nothing (cumulative): take a before/after difference
    const before = await this.points();
    const call = makeCall(this.learner.OpenAI, scenario);
    for (let i = 0; i < LEARN_CALLS; i++) await call();
    const after = await this.points();
    const steps: Step[] = [];
    for (const [key, a] of after) {
      const b = before.get(key);
      const count = a.count - (b?.count ?? 0);
      if (count <= 0) continue;
      const sum = a.sum - (b?.sum ?? 0);
      const inst = this.instruments.get(a.name);
      if (!inst) continue;
      const record = 'record' in inst ? inst.record.bind(inst) : inst.add.bind(inst);
      steps.push({ record, attributes: { ...a.attributes }, value: a.histogram ? sum / count : 1, perCall: Math.round(count / LEARN_CALLS) });
    }
    const recipe = { steps, recordsPerCall: steps.reduce((n, s) => n + s.perCall, 0) };
    this.recipes.set(scenario, recipe);
    return recipe;
  }

  /** One call's worth of SDK records. */
  replay(recipe: FloorRecipe, i: number): void {
    for (const s of recipe.steps) {
      // A slightly different value each time, as real durations are.
      const v = s.value * (1 + (i & 7) * 0.01);
      for (let k = 0; k < s.perCall; k++) s.record(v, s.attributes);
    }
  }

  private async points(): Promise<Map<string, { name: string; attributes: Attributes; count: number; sum: number; histogram: boolean }>> {
    const { resourceMetrics } = await this.learner.reader.collect();
    const out = new Map<string, { name: string; attributes: Attributes; count: number; sum: number; histogram: boolean }>();
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const m of scope.metrics) {
        // Observable instruments are read at collection time, not recorded per call.
        if (m.dataPointType !== DataPointType.HISTOGRAM && m.dataPointType !== DataPointType.SUM) continue;
        if (!this.instruments.has(m.descriptor.name)) continue;
        for (const p of m.dataPoints as { attributes: Attributes; value: number | { count: number; sum?: number } }[]) {
          const histogram = typeof p.value !== 'number';
          const count = typeof p.value === 'number' ? p.value : p.value.count;
          const sum = typeof p.value === 'number' ? p.value : (p.value.sum ?? 0);
          out.set(`${m.descriptor.name}|${JSON.stringify(p.attributes)}`, { name: m.descriptor.name, attributes: p.attributes, count, sum, histogram });
        }
      }
    }
    return out;
  }
}
