// The README documents every metric, attribute and error.type value the code defines.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import * as semconv from '../src/semconv.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

it('documents every metric, attribute, operation name and error.type value', () => {
  const names = [
    ...Object.values(semconv.METRICS).map((m) => m.name),
    ...Object.entries(semconv)
      .filter(([k, v]) => k.startsWith('ATTR_') && typeof v === 'string')
      .map(([, v]) => v as string),
    ...Object.values(semconv.ERROR_TYPE_VALUES),
    ...Object.values(semconv.TOKEN_DETAIL_VALUES),
    ...Object.values(semconv.GEN_AI_OPERATION_NAME_VALUES).filter((v) => v !== semconv.GEN_AI_OPERATION_NAME_VALUES.GENERATE_CONTENT),
    ...Object.values(semconv.GENAI_METER_OPERATION_NAME_VALUES),
  ];
  expect(names.length).toBeGreaterThan(30);
  const missing = names.filter((n) => !readme.includes(`\`${n}\``));
  expect(missing).toEqual([]);
});

it('states the version in version.ts that package.json carries', async () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const { PACKAGE_NAME, PACKAGE_VERSION } = await import('../src/version.js');
  expect([PACKAGE_NAME, PACKAGE_VERSION]).toEqual([pkg.name, pkg.version]);
});
