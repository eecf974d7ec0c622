// The README documents every metric, attribute and error.type value the code defines.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import * as semconv from '../src/semconv.js';
import { manifestIdentity, missingFromReadme, semconvNames } from '../../instrumentation-core/test/support/readme.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

it('documents every metric, attribute, operation name and error.type value', () => {
  const names = [
    ...semconvNames(semconv),
    ...Object.values(semconv.GEN_AI_OPERATION_NAME_VALUES).filter((v) => v !== semconv.GEN_AI_OPERATION_NAME_VALUES.GENERATE_CONTENT),
    ...Object.values(semconv.GENAI_METER_OPERATION_NAME_VALUES),
  ];
  expect(missingFromReadme(readme, names)).toEqual([]);
});

it('states the version in version.ts that package.json carries', async () => {
  const { PACKAGE_NAME, PACKAGE_VERSION } = await import('../src/version.js');
  expect([PACKAGE_NAME, PACKAGE_VERSION]).toEqual(manifestIdentity(new URL('../package.json', import.meta.url)));
});
