// Whole processes timed from outside, as a user's shell sees them: bash's `time` keyword gives the wall,
// user and system time of the finished child (getrusage of the reaped process, millisecond resolution, all
// its threads), GNU time (`/usr/bin/time -f %M`) its peak resident memory. The measured command's output
// goes to a file, read only when it fails.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './stats.js';

export interface ProcessSample {
  wallMs: number;
  cpuMs: number;
  /** Peak RSS in MiB (undefined without GNU time). */
  peakMiB: number | undefined;
  /** The JSON of a `REPORT {...}` line the process printed, if any. */
  report?: unknown;
}

const GNU_TIME = '/usr/bin/time';
export const hasGnuTime = existsSync(GNU_TIME);
const scratch = mkdtempSync(join(tmpdir(), 'genai-meter-bench-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

export interface Command {
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Runs `node <args>` once under bash's `time` (and GNU time for the peak RSS). Rejects on a non-zero exit. */
export function measure(cmd: Command): Promise<ProcessSample> {
  const out = join(scratch, 'out.txt');
  const rss = join(scratch, 'rss.txt');
  const node = [process.execPath, ...cmd.args];
  const argv = hasGnuTime ? [GNU_TIME, '-f', '%M', '-o', rss, ...node] : node;
  const script = 'TIMEFORMAT="%3R %3U %3S"; out="$1"; shift; time "$@" >"$out" 2>&1';
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script, 'bash', out, ...argv], { cwd: cmd.cwd, env: cmd.env ?? process.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('exit', (code) => {
      const times = err.trim().split('\n').pop()?.split(' ').map(Number);
      if (code !== 0 || !times || times.length !== 3 || times.some((t) => !Number.isFinite(t))) {
        const output = existsSync(out) ? readFileSync(out, 'utf8').slice(-2000) : '';
        reject(new Error(`node ${cmd.args.join(' ')} exited with ${code}\n${err}\n${output}`));
        return;
      }
      const [real, user, sys] = times as [number, number, number];
      const kb = hasGnuTime ? Number(readFileSync(rss, 'utf8').trim().split('\n').pop()) : NaN;
      const line = readFileSync(out, 'utf8').split('\n').find((l) => l.startsWith('REPORT '));
      resolve({
        wallMs: real * 1000,
        cpuMs: (user + sys) * 1000,
        peakMiB: Number.isFinite(kb) ? kb / 1024 : undefined,
        ...(line ? { report: JSON.parse(line.slice('REPORT '.length)) as unknown } : {}),
      });
    });
  });
}

export interface Spread {
  min: number;
  median: number;
  max: number;
}

export const spread = (xs: number[]): Spread => ({ min: Math.min(...xs), median: median(xs), max: Math.max(...xs) });

/**
 * Runs every command once per round, `rounds` times, the order rotated each round (so none always runs
 * after the same neighbour), after `warmup` unrecorded rounds. Returns the samples by command index.
 */
export async function pairedRounds(commands: Command[], rounds: number, warmup = 1): Promise<ProcessSample[][]> {
  const samples: ProcessSample[][] = commands.map(() => []);
  for (let r = -warmup; r < rounds; r++) {
    for (let k = 0; k < commands.length; k++) {
      const i = (k + Math.max(r, 0)) % commands.length;
      const s = await measure(commands[i] as Command);
      if (r >= 0) samples[i]!.push(s);
    }
  }
  return samples;
}

/** Round-by-round difference a - b of one field (rounds next to each other in time). */
export function pairedDiff(a: ProcessSample[], b: ProcessSample[], field: 'wallMs' | 'cpuMs' | 'peakMiB'): number[] {
  const n = Math.min(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[i]![field];
    const y = b[i]![field];
    if (x !== undefined && y !== undefined) out.push(x - y);
  }
  return out;
}
