// The README documents every metric, attribute and error.type value the code defines.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import * as semconv from '@genai-meter/instrumentation-core/semconv';
import { manifestIdentity, missingFromReadme, semconvNames } from '../../instrumentation-core/test/support/readme.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

it('documents every metric, attribute and error.type value', () => {
  expect(missingFromReadme(readme, semconvNames(semconv))).toEqual([]);
});

it('states the version in version.ts that package.json carries, and the ESM specifier the loader must hook', async () => {
  const { PACKAGE_NAME, PACKAGE_VERSION } = await import('../src/version.js');
  expect([PACKAGE_NAME, PACKAGE_VERSION]).toEqual(manifestIdentity(new URL('../package.json', import.meta.url)));
  expect(readme).toContain("include: ['ai']");
});
