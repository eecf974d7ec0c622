// The unhandled-rejection suite every instrumentation runs: a failing call that is never awaited raises the same
// unhandled rejection with and without the instrumentation (it must not swallow it, nor add one), and is still
// recorded. The package's fixtures/unhandled-app.cjs makes that call, prints each unhandled rejection as
// `unhandledRejection <class>: <detail>` and then `recorded <error.type values of its durations>`; it runs
// preloaded with the package's fixtures/cjs-register.cjs.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

/** `fixtures`: the package's test/fixtures directory; `rejection`: the line the app prints for its rejection. */
export function unhandledRejectionSuite(fixtures: string, rejection: string): void {
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
    expect(rejections(without)).toEqual([rejection]);
    expect(rejections(withIt)).toEqual(rejections(without));
    expect(without).toContain('recorded []');
    expect(withIt).toContain('recorded ["bad_request"]');
  });
}
