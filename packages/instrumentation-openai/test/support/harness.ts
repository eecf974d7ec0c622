// Test harness: core's MetricsHarness around the instrumentation under test, and each openai major loaded
// through a real `require` so the require hook patches it as in production.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AggregationTemporality, ViewOptions } from '@opentelemetry/sdk-metrics';
import { MetricsHarness as CoreHarness } from '../../../instrumentation-core/test/support/metrics-harness.js';
import { OpenAIInstrumentation, type OpenAIInstrumentationConfig } from '../../src/index.js';

export {
  bucketIndex,
  byModel,
  setDefaultAggregation,
  sum,
  where,
  type Aggregation,
  type HistPoint,
  type Point,
} from '../../../instrumentation-core/test/support/metrics-harness.js';

export const repoRoot = join(fileURLToPath(new URL('.', import.meta.url)), '../../../..');

export type Major = 4 | 5 | 6 | 7;
export const MAJORS: Major[] = [4, 5, 6, 7];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type OpenAIModule = any;

/** Loads the CommonJS copy of one openai major installed under packages/openai-compat/v<major>. */
export function loadOpenAI(major: Major): OpenAIModule {
  return createRequire(join(repoRoot, `packages/openai-compat/v${major}/package.json`))('openai');
}

export function openAIVersion(major: Major): string {
  const req = createRequire(join(repoRoot, `packages/openai-compat/v${major}/package.json`));
  const main = req.resolve('openai');
  return createRequire(main)('./package.json').version as string;
}

export class MetricsHarness extends CoreHarness<OpenAIInstrumentation, OpenAIInstrumentationConfig> {
  constructor(config: OpenAIInstrumentationConfig = {}, options: { views?: ViewOptions[]; temporality?: AggregationTemporality } = {}) {
    super((c) => new OpenAIInstrumentation(c), config, options);
  }
}
