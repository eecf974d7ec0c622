#!/usr/bin/env node
// genai-meter-simulator: runs the simulator until SIGINT/SIGTERM. Prints OPENAI_BASE_URL=...,
// ANTHROPIC_BASE_URL=... and GOOGLE_GEMINI_BASE_URL=... on stdout once listening (one port serves
// the three APIs), so scripts can read the lines and export them.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startSimulator } from './server.js';
import { FAULT_KINDS, type FaultKind, type RateLimit, type SimulatorOptions } from './types.js';

const INDENT = ' '.repeat(25);

/** `words` joined by ', ' in lines of at most `width` characters, continuation lines indented under the help's descriptions. */
function wrapList(words: readonly string[], width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const [i, word] of words.entries()) {
    const item = i < words.length - 1 ? `${word},` : word;
    if (line && line.length + 1 + item.length > width) {
      lines.push(line);
      line = item;
    } else line = line ? `${line} ${item}` : item;
  }
  lines.push(line);
  return lines.join(`\n${INDENT}`);
}

export const USAGE = `Usage: genai-meter-simulator [options]

An HTTP server speaking the OpenAI, Anthropic Messages and Gemini APIs on one port, with
realistic latency, streaming, usage, rate-limit headers and injected faults.

Options:
  --port <n>             TCP port (default 8080; 0 picks a free port)
  --host <addr>          interface to bind (default 127.0.0.1)
  --seed <n>             seed of latency jitter, random faults and ids (default 1)
  --latency-scale <x>    multiplies the latency model; 0 = answer immediately (default 1)
  --faults <list>        random fault probabilities per request, e.g. rate_limit=0.02,server_error=0.01
                         kinds: ${wrapList(FAULT_KINDS, 68)}
                         (insufficient_quota, payment_required: billing exhausted, on 429/400 and 402;
                         response_failed, response_incomplete: an answer ending failed or cut, HTTP 200)
  --rate-limit <list>    per-model limits per minute, REQUESTS/TOKENS[/INPUT_TOKENS/OUTPUT_TOKENS],
                         e.g. default=5000/2000000,gpt-4o=500/30000,claude-haiku-4-5=50/50000/40000/8000
  --response-model <list> request -> response model, e.g. my-model=my-model-2025-01-01
  -h, --help             show this help

Endpoints: OpenAI POST /v1/chat/completions, /v1/responses, /v1/embeddings, /v1/completions,
/v1/images/generations, /v1/images/edits, /v1/images/variations, /v1/audio/transcriptions,
/v1/audio/translations, /v1/audio/speech, /v1/moderations, GET /v1/models, /v1/images/files/{id}.png,
/health, and Azure /openai/deployments/{deployment}/... paths; Anthropic POST /v1/messages,
/v1/messages/count_tokens; Gemini POST /v1beta/models/{model}:generateContent,
:streamGenerateContent?alt=sse, :embedContent, :batchEmbedContents, :countTokens.
Per-request control headers: x-sim-usage, x-sim-chunks, x-sim-response-model,
x-sim-latency-ms, x-sim-fault, x-sim-fault-times, x-sim-fault-id, x-sim-retry-after,
x-sim-reported-cost, x-sim-audio-seconds (see README).

On start it prints OPENAI_BASE_URL=http://HOST:PORT/v1, ANTHROPIC_BASE_URL=http://HOST:PORT
and GOOGLE_GEMINI_BASE_URL=http://HOST:PORT, then runs until SIGINT or SIGTERM.
`;

export class UsageError extends Error {}

function number(flag: string, text: string, check: (n: number) => boolean, expected: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || !check(value)) throw new UsageError(`--${flag}: expected ${expected}, got '${text}'`);
  return value;
}

function pairs(flag: string, text: string): Array<[string, string]> {
  return text.split(',').map((pair) => {
    const at = pair.lastIndexOf('=');
    if (at <= 0 || at === pair.length - 1) throw new UsageError(`--${flag}: expected name=value pairs, got '${pair}'`);
    return [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
  });
}

/** Options from command-line arguments; throws UsageError on anything it does not understand. */
export function parseCliArgs(argv: string[]): { help: true } | { help: false; options: SimulatorOptions } {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        seed: { type: 'string' },
        'latency-scale': { type: 'string' },
        faults: { type: 'string' },
        'rate-limit': { type: 'string' },
        'response-model': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return { help: true };
  const options: SimulatorOptions = {
    port: values.port === undefined ? 8080 : number('port', values.port, (n) => Number.isInteger(n) && n >= 0 && n <= 65535, 'an integer 0-65535'),
    host: values.host ?? '127.0.0.1',
  };
  if (values.seed !== undefined) options.seed = number('seed', values.seed, Number.isInteger, 'an integer');
  if (values['latency-scale'] !== undefined) options.latencyScale = number('latency-scale', values['latency-scale'], (n) => n >= 0, 'a number >= 0');
  if (values.faults !== undefined) {
    const faults: Partial<Record<FaultKind, number>> = {};
    for (const [kind, p] of pairs('faults', values.faults)) {
      if (!(FAULT_KINDS as readonly string[]).includes(kind)) throw new UsageError(`--faults: unknown fault '${kind}' (known: ${FAULT_KINDS.join(', ')})`);
      faults[kind as FaultKind] = number('faults', p, (n) => n >= 0 && n <= 1, 'a probability 0..1');
    }
    options.faults = faults;
  }
  if (values['rate-limit'] !== undefined) {
    const limits: Record<string, Partial<RateLimit>> = {};
    for (const [model, spec] of pairs('rate-limit', values['rate-limit'])) {
      const match = /^(\d+)\/(\d+)(?:\/(\d+)\/(\d+))?$/.exec(spec);
      if (!match) throw new UsageError(`--rate-limit: expected model=REQUESTS/TOKENS[/INPUT_TOKENS/OUTPUT_TOKENS], got '${model}=${spec}'`);
      limits[model] = { requests: Number(match[1]), tokens: Number(match[2]) };
      if (match[3] !== undefined) Object.assign(limits[model], { inputTokens: Number(match[3]), outputTokens: Number(match[4]) });
    }
    options.rateLimits = limits;
  }
  if (values['response-model'] !== undefined) options.responseModels = Object.fromEntries(pairs('response-model', values['response-model']));
  return { help: false, options };
}

/** Runs the CLI; resolves with the exit code once the server has stopped (or failed to start). */
export async function runCli(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseCliArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`genai-meter-simulator: ${error.message}\nRun 'genai-meter-simulator --help' for usage.\n`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  let simulator;
  try {
    simulator = await startSimulator(parsed.options);
  } catch (error) {
    process.stderr.write(`genai-meter-simulator: cannot start: ${(error as Error).message}\n`);
    return 1;
  }
  process.stdout.write(`OPENAI_BASE_URL=${simulator.baseURL}\nANTHROPIC_BASE_URL=${simulator.url}\nGOOGLE_GEMINI_BASE_URL=${simulator.url}\n`);
  const sim = simulator;
  return new Promise<number>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.stderr.write(`genai-meter-simulator: ${signal}, stopping after ${sim.requests} requests\n`);
      void sim.close().then(() => resolve(0));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function isMain(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`genai-meter-simulator: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
