// Garbage collection on demand, for the suites that drop a stream unread and wait for the instrumentation to
// finish its call when the stream is collected.
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

// The test process runs without --expose-gc: turn the flag on and fetch gc() from a fresh context.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Collects garbage until `until` holds (true), or gives up after 50 rounds, about a second (false). */
export async function collectGarbage(until: () => Promise<boolean>): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 20));
    if (await until()) return true;
  }
  return false;
}
