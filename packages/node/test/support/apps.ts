// Real processes for the tests: the example apps started with `node --require|--import
// @genai-meter/node/register`, their output, their exit (code, signal, wall time).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT, waitFor } from '../../../../tests/support/tools.js';

export { REPO_ROOT };
export const EXAMPLES = join(REPO_ROOT, 'examples');
export const SUPPORT = fileURLToPath(new URL('.', import.meta.url));
export const LINGER = join(SUPPORT, 'linger.cjs');

export const CJS_APP = join(EXAMPLES, 'cjs-app/index.cjs');
export const ESM_APP = join(EXAMPLES, 'esm-app/index.mjs');
export const TS_APP = join(EXAMPLES, 'ts-app/index.ts');

export type Loader = 'require' | 'import';

/** `--require|--import @genai-meter/node/register` (+ tsx for .ts, + the linger preload) and the script. */
export function nodeArgs(loader: Loader, script: string, options: { linger?: boolean; register?: boolean } = {}): string[] {
  const args: string[] = [];
  if (options.register !== false) args.push(`--${loader}`, '@genai-meter/node/register');
  if (script.endsWith('.ts')) args.push('--import', 'tsx');
  if (options.linger) args.push('--require', LINGER);
  args.push(script);
  return args;
}

/** The test runner's environment without any OTEL_* / GENAI_METER_* / NODE_OPTIONS, plus `extra`. */
export function appEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('OTEL_') || k.startsWith('GENAI_METER_') || k === 'NODE_OPTIONS' || k.startsWith('VITEST')) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Wall time from spawn to exit. */
  ms: number;
}

export interface App {
  readonly child: ChildProcess;
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  readonly exit: Promise<Exit>;
  /** Resolves with the first stdout line matching `re` (waits up to `timeoutMs`). */
  waitForLine(re: RegExp, timeoutMs?: number): Promise<string>;
  /** The parsed `SUMMARY {...}` line the examples print at the end. */
  summary(): Promise<{ calls: number; input: number; output: number }>;
  kill(signal?: NodeJS.Signals): void;
}

const live = new Set<App>();

/** Starts `node <args>` (process.execPath: the Node that runs the tests) in `cwd` (default: the repo root). */
export function launch(args: string[], env: NodeJS.ProcessEnv, cwd = REPO_ROOT): App {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exit = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal, ms: performance.now() - started }));
  });
  let exited = false;
  void exit.then(() => {
    exited = true;
    live.delete(app);
  });
  const app: App = {
    child,
    pid: child.pid!,
    stdout: () => out,
    stderr: () => err,
    exit,
    async waitForLine(re, timeoutMs = 30_000) {
      return waitFor(
        () => {
          const line = out.split('\n').find((l) => re.test(l));
          if (line !== undefined) return line;
          if (exited) throw new Error(`exited before printing ${re}`);
          return undefined;
        },
        { timeoutMs, intervalMs: 20, what: `${re} in the output of node ${args.join(' ')}` },
      ).catch((e: Error) => {
        throw new Error(`${e.message}\n--- stdout ---\n${out.slice(-4000)}\n--- stderr ---\n${err.slice(-4000)}`);
      });
    },
    async summary() {
      const line = await app.waitForLine(/^SUMMARY /);
      return JSON.parse(line.slice('SUMMARY '.length)) as { calls: number; input: number; output: number };
    },
    kill(signal = 'SIGTERM') {
      if (!exited) child.kill(signal);
    },
  };
  live.add(app);
  return app;
}

/** Runs to completion; throws with the output if it does not end within `timeoutMs`. */
export async function run(args: string[], env: NodeJS.ProcessEnv, options: { cwd?: string; timeoutMs?: number } = {}): Promise<Exit & { stdout: string; stderr: string }> {
  const app = launch(args, env, options.cwd);
  const timer = setTimeout(() => app.kill('SIGKILL'), options.timeoutMs ?? 30_000);
  const exit = await app.exit;
  clearTimeout(timer);
  return { ...exit, stdout: app.stdout(), stderr: app.stderr() };
}

/** SIGKILLs every app still running (afterAll / afterEach). */
export async function killAll(): Promise<void> {
  const apps = [...live];
  for (const app of apps) app.kill('SIGKILL');
  await Promise.all(apps.map((a) => a.exit));
}
