// The CLI as a real child process: start, serve the SDK, stop on SIGINT/SIGTERM; --help; bad flags.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../src/cli.js';
import { FAULT_KINDS } from '../src/index.js';
import { USER_HELLO } from './helpers.js';

const sourceCli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const builtCli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
/** Runs the TypeScript source through tsx; the built bin runs with plain node. */
const sourceArgs = ['--import', 'tsx', sourceCli];

async function runServer(args: string[], signal: NodeJS.Signals) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const printed = await new Promise<string[]>((resolve, reject) => {
      const lines: string[] = [];
      createInterface({ input: child.stdout }).on('line', (line) => {
        if (lines.push(line) === 3) resolve(lines);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code} before printing: ${stderr}`)));
      setTimeout(() => reject(new Error(`printed only ${JSON.stringify(lines)} in 10 s (a stale dist/?)`)), 10_000).unref();
    });
    const match = /^OPENAI_BASE_URL=(http:\/\/127\.0\.0\.1:(\d+))\/v1$/.exec(printed[0]!);
    expect(match, printed[0]).not.toBeNull();
    const url = match![1]!;
    expect(printed.slice(1)).toEqual([`ANTHROPIC_BASE_URL=${url}`, `GOOGLE_GEMINI_BASE_URL=${url}`]);
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'k', maxRetries: 0 });
    const res = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: USER_HELLO }, { headers: { 'x-sim-usage': 'prompt=1,completion=2' } });
    expect(res.usage?.total_tokens).toBe(3);
    // The same port serves the Anthropic and Gemini APIs.
    const message = await new Anthropic({ baseURL: url, apiKey: 'k', maxRetries: 0 }).messages.create({ model: 'claude-haiku-4-5', max_tokens: 50, messages: USER_HELLO });
    expect(message.usage.output_tokens).toBe(50);
    const generated = await new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: url } }).models.generateContent({ model: 'gemini-2.5-flash-lite', contents: 'hi' });
    expect(generated.usageMetadata?.candidatesTokenCount).toBe(60);
    // A hung request must not keep the process alive after the signal.
    const hung = client.chat.completions.create({ model: 'gpt-4o-mini', messages: USER_HELLO }, { headers: { 'x-sim-fault': 'hang' } }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 100));
    child.kill(signal);
    const code = await exited;
    expect(code).toBe(0);
    expect(stderr).toContain(`${signal}, stopping after 4 requests`);
    expect(await hung).toBeInstanceOf(OpenAI.APIConnectionError);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

describe('genai-meter-simulator CLI', () => {
  it('starts from source, serves the SDK and stops cleanly on SIGTERM', async () => {
    await runServer([...sourceArgs, '--port', '0', '--latency-scale', '0', '--seed', '3'], 'SIGTERM');
  });

  it.skipIf(!existsSync(builtCli))('the built bin starts with plain node and stops cleanly on SIGINT', async () => {
    await runServer([builtCli, '--port', '0', '--latency-scale', '0'], 'SIGINT');
  });

  it('documents every flag in --help and exits 0', () => {
    const result = spawnSync(process.execPath, [...sourceArgs, '--help'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    for (const flag of ['--port', '--host', '--seed', '--latency-scale', '--faults', '--rate-limit', '--response-model', 'x-sim-usage', 'x-sim-fault-times', 'x-sim-fault-id', '/v1/messages', ':streamGenerateContent']) {
      expect(result.stdout).toContain(flag);
    }
    for (const kind of FAULT_KINDS) expect(result.stdout).toMatch(new RegExp(`[ ,]${kind}[,\\n]`));
    expect(Math.max(...result.stdout.split('\n').map((line) => line.length))).toBeLessThanOrEqual(110);
  });

  it.each([
    [['--bogus'], /Unknown option '--bogus'/],
    [['--port', 'abc'], /--port: expected an integer 0-65535, got 'abc'/],
    [['--port', '70000'], /--port: expected an integer/],
    [['--latency-scale=-1'], /--latency-scale: expected a number >= 0/],
    [['--faults', 'meteor=0.1'], /--faults: unknown fault 'meteor'/],
    [['--faults', 'rate_limit=2'], /--faults: expected a probability 0..1/],
    [['--rate-limit', 'gpt-4o=fast'], /--rate-limit: expected model=REQUESTS\/TOKENS/],
    [['--rate-limit', 'claude-haiku-4-5=50/5000/4000'], /--rate-limit: expected model=REQUESTS\/TOKENS\[\/INPUT_TOKENS\/OUTPUT_TOKENS\]/],
    [['positional'], /Unexpected argument 'positional'/],
  ])('rejects %j with exit code 2 and a clear message', (args, message) => {
    const result = spawnSync(process.execPath, [...sourceArgs, ...args], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it('parses every option', () => {
    expect(parseCliArgs(['--port', '9000', '--host', '::1', '--seed', '4', '--latency-scale', '0.5', '--faults', 'rate_limit=0.02,server_error=0.01', '--rate-limit', 'default=100/5000,gpt-4o=10/1000,claude-haiku-4-5=50/5000/4000/800', '--response-model', 'a=b'])).toEqual({
      help: false,
      options: {
        port: 9000,
        host: '::1',
        seed: 4,
        latencyScale: 0.5,
        faults: { rate_limit: 0.02, server_error: 0.01 },
        rateLimits: { default: { requests: 100, tokens: 5000 }, 'gpt-4o': { requests: 10, tokens: 1000 }, 'claude-haiku-4-5': { requests: 50, tokens: 5000, inputTokens: 4000, outputTokens: 800 } },
        responseModels: { a: 'b' },
      },
    });
    expect(parseCliArgs([])).toEqual({ help: false, options: { port: 8080, host: '127.0.0.1' } });
  });
});
