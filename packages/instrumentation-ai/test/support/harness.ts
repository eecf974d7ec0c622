// Test harness: a real MeterProvider with a reader collected on demand, the instrumentation under test, and
// each ai major with its provider packages loaded through a real `require` (ai 7, an ES module only package,
// through require(esm)) so that the require hook patches it as in production.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MetricsHarness as SharedMetricsHarness } from '../../../instrumentation-core/test/support/metrics-harness.js';
import { AIInstrumentation, type AIInstrumentationConfig } from '../../src/index.js';

export { byModel, setDefaultAggregation, sum, where, type HistPoint, type Point } from '../../../instrumentation-core/test/support/metrics-harness.js';

export const repoRoot = join(fileURLToPath(new URL('.', import.meta.url)), '../../../..');

export type Major = 5 | 6 | 7;
export const MAJORS: Major[] = [5, 6, 7];

/* eslint-disable @typescript-eslint/no-explicit-any */
export interface AISdk {
  major: Major;
  version: string;
  ai: any;
  createOpenAI: any;
  createAnthropic: any;
  createGoogleGenerativeAI: any;
  createOpenAICompatible: any;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

const fixture = (major: Major) => createRequire(join(repoRoot, `packages/ai-compat/v${major}/package.json`));

/** Loads one ai major and its provider packages (CommonJS copies of 5 and 6; ai 7 by require(esm)). */
export function loadAI(major: Major): AISdk {
  const req = fixture(major);
  return {
    major,
    version: req('ai/package.json').version as string,
    ai: req('ai'),
    createOpenAI: req('@ai-sdk/openai').createOpenAI,
    createAnthropic: req('@ai-sdk/anthropic').createAnthropic,
    createGoogleGenerativeAI: req('@ai-sdk/google').createGoogleGenerativeAI,
    createOpenAICompatible: req('@ai-sdk/openai-compatible').createOpenAICompatible,
  };
}

/** The four providers of one major, pointed at the simulator. */
export function providers(sdk: AISdk, url: string) {
  return {
    openai: sdk.createOpenAI({ baseURL: `${url}/v1`, apiKey: 'sk-test' }),
    anthropic: sdk.createAnthropic({ baseURL: `${url}/v1`, apiKey: 'sk-ant-test' }),
    google: sdk.createGoogleGenerativeAI({ baseURL: `${url}/v1beta`, apiKey: 'gemini-test' }),
    relay: sdk.createOpenAICompatible({ name: 'relay', baseURL: `${url}/v1`, apiKey: 'k', includeUsage: true }),
  };
}

/**
 * The shared harness (instrumentation-core's test support) for AIInstrumentation; it reads every scope, as
 * another genai-meter instrumentation may record into the same provider (a call through two layers).
 */
export class MetricsHarness extends SharedMetricsHarness<AIInstrumentation, AIInstrumentationConfig> {
  constructor(config: AIInstrumentationConfig = {}) {
    super((c) => new AIInstrumentation(c), config);
  }
}
