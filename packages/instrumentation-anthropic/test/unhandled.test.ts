// A failing call that is never awaited raises the same unhandled rejection with and without the
// instrumentation (it must not swallow it, nor add one), and is still recorded.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const fixtures = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures');
const run = async (disabled: boolean) =>
  (
    await promisify(execFile)(process.execPath, ['--require', join(fixtures, 'cjs-register.cjs'), join(fixtures, 'unhandled-app.cjs')], {
      cwd: fixtures,
      env: { ...process.env, GENAI_METER_TEST_DISABLED: disabled ? '1' : '0' },
      timeout: 20_000,
    })
  ).stdout.split('\n');

it('keeps the unhandled rejection of an un-awaited failed call', async () => {
  const [without, withIt] = [await run(true), await run(false)];
  const rejections = (lines: string[]) => lines.filter((l) => l.startsWith('unhandledRejection'));
  expect(rejections(without)).toEqual(['unhandledRejection BadRequestError: 400']);
  expect(rejections(withIt)).toEqual(rejections(without));
  expect(without).toContain('recorded []');
  expect(withIt).toContain('recorded ["bad_request"]');
});
