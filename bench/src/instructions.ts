// Optional section (`npm run bench -- --instructions`): instructions per non-streaming call under valgrind's
// callgrind, which counts instructions rather than seconds, so load on the machine does not move it. Each
// variant runs at two call counts; (I(high) - I(low)) / (high - low) cancels start-up and warm-up.
// Caveats: callgrind emulates clock reads (every SDK record reads the clock) and serialises threads
// (node --single-threaded), so the floor is inflated and GC runs on the main thread.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { srcFile } from './child.js';

export interface InstructionsResult {
  calls: [low: number, high: number];
  perCall: Record<string, number>;
}

const VARIANTS = ['baseline', 'genai-meter', 'genai-meter-sdk', 'contrib', 'floor'] as const;

async function collected(variant: string, calls: number): Promise<number> {
  const { stderr } = await promisify(execFile)(
    'valgrind',
    ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, '--single-threaded', '--import', 'tsx', srcFile('./instructions-target.ts'), '--variant', variant, '--calls', String(calls)],
    { cwd: srcFile('..'), maxBuffer: 16 * 1024 * 1024, timeout: 600_000 },
  );
  const m = /Collected : (\d+)/.exec(stderr);
  if (!m) throw new Error(`callgrind printed no total for ${variant}:\n${stderr.slice(-2000)}`);
  return Number(m[1]);
}

export async function runInstructions(low: number, high: number, log: (s: string) => void): Promise<InstructionsResult> {
  await promisify(execFile)('valgrind', ['--version']).catch(() => {
    throw new Error('--instructions needs valgrind on PATH (Debian package valgrind)');
  });
  const perCall: Record<string, number> = {};
  for (const variant of VARIANTS) {
    log(`instructions: ${variant} under callgrind at ${low} and ${high} calls`);
    const [a, b] = await Promise.all([collected(variant, low), collected(variant, high)]);
    perCall[variant] = (b - a) / (high - low);
  }
  return { calls: [low, high], perCall };
}
