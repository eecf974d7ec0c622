// Test harness: core's MetricsHarness around the instrumentation under test, and @google/genai loaded through
// a real `require` (its CommonJS build) so the require hook patches it as in production.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { MetricsHarness as CoreHarness } from '../../../instrumentation-core/test/support/metrics-harness.js';
import { GoogleGenAIInstrumentation, type GoogleGenAIInstrumentationConfig } from '../../src/index.js';

export { bucketIndex, byModel, setDefaultAggregation, sum, where, type HistPoint, type Point } from '../../../instrumentation-core/test/support/metrics-harness.js';

export class MetricsHarness extends CoreHarness<GoogleGenAIInstrumentation, GoogleGenAIInstrumentationConfig> {
  constructor(config: GoogleGenAIInstrumentationConfig = {}) {
    super((c) => new GoogleGenAIInstrumentation(c), config);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type GenAIModule = any;

const requireHere = createRequire(import.meta.url);

/** The CommonJS build of @google/genai (dist/node/index.cjs), required after the instrumentation is enabled. */
export function loadGenAI(): GenAIModule {
  return requireHere('@google/genai');
}

export function genAIVersion(): string {
  // The package's exports do not include its package.json: read it next to the resolved entry.
  const entry = requireHere.resolve('@google/genai');
  const root = entry.slice(0, entry.lastIndexOf('/dist/'));
  return (JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { version: string }).version;
}

/** The per-request options that carry the simulator's control headers. */
export const headers = (h: Record<string, string>) => ({ httpOptions: { headers: h } });
