// The README documents every metric, attribute, error.type and token detail value the code defines, and states
// the supported versions the code declares.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import * as semconv from '@genai-meter/instrumentation-core/semconv';
import { SUPPORTED_ANTHROPIC_VERSIONS } from '../src/index.js';
import { manifestIdentity, missingFromReadme, semconvNames } from '../../instrumentation-core/test/support/readme.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

it('documents every metric, attribute and error.type value', () => {
  expect(missingFromReadme(readme, semconvNames(semconv))).toEqual([]);
});

it('states the supported @anthropic-ai/sdk versions', () => {
  for (const range of SUPPORTED_ANTHROPIC_VERSIONS) expect(readme).toContain(`\`${range}\``);
});

it('states the version in version.ts that package.json carries', async () => {
  const { PACKAGE_NAME, PACKAGE_VERSION } = await import('../src/version.js');
  expect([PACKAGE_NAME, PACKAGE_VERSION]).toEqual(manifestIdentity(new URL('../package.json', import.meta.url)));
});
