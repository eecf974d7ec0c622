// The README documents every metric, attribute, error.type and token detail value the code defines, and states
// the supported versions the code declares.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import * as semconv from '@genai-meter/instrumentation-core/semconv';
import { SUPPORTED_ANTHROPIC_VERSIONS } from '../src/index.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

it('documents every metric, attribute and error.type value', () => {
  const names = [
    ...Object.values(semconv.METRICS).map((m) => m.name),
    ...Object.entries(semconv)
      .filter(([k, v]) => k.startsWith('ATTR_') && typeof v === 'string')
      .map(([, v]) => v as string),
    ...Object.values(semconv.ERROR_TYPE_VALUES),
    ...Object.values(semconv.TOKEN_DETAIL_VALUES),
  ];
  expect(names.length).toBeGreaterThan(30);
  const missing = names.filter((n) => !readme.includes(`\`${n}\``));
  expect(missing).toEqual([]);
});

it('states the supported @anthropic-ai/sdk versions', () => {
  for (const range of SUPPORTED_ANTHROPIC_VERSIONS) expect(readme).toContain(`\`${range}\``);
});

it('states the version in version.ts that package.json carries', async () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const { PACKAGE_NAME, PACKAGE_VERSION } = await import('../src/version.js');
  expect([PACKAGE_NAME, PACKAGE_VERSION]).toEqual([pkg.name, pkg.version]);
});
