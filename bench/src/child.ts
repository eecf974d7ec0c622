// Spawning bench children: request/response over IPC, or run-to-completion with a RESULT line.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const srcFile = (name: string): string => fileURLToPath(new URL(name, import.meta.url));

/** Every child runs the TypeScript sources through tsx, with gc() available. */
export const BASE_EXEC_ARGV = ['--import', 'tsx', '--expose-gc'];

export class Rpc {
  private pending: { resolve: (v: unknown) => void; reject: (e: Error) => void } | undefined;
  private readonly exited: Promise<number | null>;

  private constructor(
    readonly label: string,
    private readonly child: ChildProcess,
  ) {
    child.on('message', (m: { ok: boolean; value?: unknown; error?: string }) => {
      const p = this.pending;
      this.pending = undefined;
      if (!p) return;
      if (m.ok) p.resolve(m.value);
      else p.reject(new Error(`${label}: ${m.error}`));
    });
    this.exited = new Promise((resolve) => child.on('exit', (code) => {
      this.pending?.reject(new Error(`${label} exited with ${code}`));
      this.pending = undefined;
      resolve(code);
    }));
  }

  /** Forks a worker and resolves with its first message (what it is). */
  static async start<T>(label: string, file: string, args: string[], execArgv: string[] = []): Promise<{ rpc: Rpc; info: T }> {
    const child = fork(file, args, { execArgv: [...BASE_EXEC_ARGV, ...execArgv], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const rpc = new Rpc(label, child);
    const info = (await rpc.next()) as T;
    return { rpc, info };
  }

  private next(): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
    });
  }

  request<T>(msg: unknown): Promise<T> {
    const p = this.next() as Promise<T>;
    this.child.send(msg as object);
    return p;
  }

  async close(): Promise<void> {
    await this.exited;
  }
}

/** Runs a child to completion and returns the JSON it printed on its `RESULT ` line. */
export function runToResult<T>(file: string, args: string[], execArgv: string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = fork(file, args, { execArgv: [...BASE_EXEC_ARGV, ...execArgv], stdio: ['ignore', 'pipe', 'inherit', 'ipc'], env });
    let out = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || !line) reject(new Error(`${file} ${args.join(' ')} exited with ${code}\n${out.slice(-2000)}`));
      else resolve(JSON.parse(line.slice('RESULT '.length)) as T);
    });
  });
}
