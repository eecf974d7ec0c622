// Test harness: the shared MetricsHarness around the Anthropic instrumentation, and each @anthropic-ai/sdk major
// loaded through a real `require` (after the instrumentation is enabled) so the require hook patches it as in
// production.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ViewOptions, AggregationTemporality } from '@opentelemetry/sdk-metrics';
import { MetricsHarness } from '../../../instrumentation-core/test/support/metrics-harness.js';
import { AnthropicInstrumentation, type AnthropicInstrumentationConfig } from '../../src/index.js';

export { bucketIndex, byModel, setDefaultAggregation, sum, where, type HistPoint, type Point } from '../../../instrumentation-core/test/support/metrics-harness.js';

export const repoRoot = join(fileURLToPath(new URL('.', import.meta.url)), '../../../..');

/** The SDK installs under packages/anthropic-compat: 1.x, the last 0.x, and 0.30 (the earlier layout). */
export type Install = 'v1' | 'v0' | 'v0-legacy';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnthropicModule = any;

const requireFor = (install: Install) => createRequire(join(repoRoot, `packages/anthropic-compat/${install}/package.json`));

/** Loads the CommonJS copy of one @anthropic-ai/sdk install. */
export function loadAnthropic(install: Install): AnthropicModule {
  return requireFor(install)('@anthropic-ai/sdk');
}

export function anthropicVersion(install: Install): string {
  const main = requireFor(install).resolve('@anthropic-ai/sdk');
  return createRequire(main)('./package.json').version as string;
}

export class AnthropicHarness extends MetricsHarness<AnthropicInstrumentation, AnthropicInstrumentationConfig> {
  constructor(config: AnthropicInstrumentationConfig = {}, options: { views?: ViewOptions[]; temporality?: AggregationTemporality } = {}) {
    super((c) => new AnthropicInstrumentation(c), config, options);
  }
}
