// For the example tests: a package's README example run as a user runs it, with no endpoint configured, so it
// starts the bundled simulator.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** Runs examples/basic.cjs of the package whose test directory is `testDir`, without `endpointVariable`; its stdout. */
export async function runExample(testDir: URL, endpointVariable: string): Promise<string> {
  const env = { ...process.env };
  delete env[endpointVariable];
  const { stdout } = await promisify(execFile)(process.execPath, [fileURLToPath(new URL('../examples/basic.cjs', testDir))], { env, timeout: 30_000 });
  return stdout;
}
