// The README documents every metric, attribute and error.type value the code defines, and the versions.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import * as semconv from '../src/index.js';
import { manifestIdentity, missingFromReadme, semconvNames } from '../../instrumentation-core/test/support/readme.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

it('documents every metric, attribute and error.type value', () => {
  const names = [
    ...semconvNames(semconv),
    semconv.GEN_AI_OPERATION_NAME_VALUES.GENERATE_CONTENT,
    semconv.GEN_AI_OPERATION_NAME_VALUES.EMBEDDINGS,
    ...semconv.GOOGLE_GENAI_ESM_SPECIFIERS,
  ];
  expect(missingFromReadme(readme, names)).toEqual([]);
});

it('states the supported major and the version in version.ts that package.json carries', async () => {
  expect(semconv.SUPPORTED_GOOGLE_GENAI_VERSIONS).toEqual(['>=3.0.0 <4']);
  expect(readme).toContain('**major 3**');
  const { PACKAGE_NAME, PACKAGE_VERSION } = await import('../src/version.js');
  expect([PACKAGE_NAME, PACKAGE_VERSION]).toEqual(manifestIdentity(new URL('../package.json', import.meta.url)));
});
