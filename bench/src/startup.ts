// Start-up: whole processes with and without the register entry, timed from outside (process.ts), in paired
// rounds with the order rotated. An empty script is the floor; the openai app loads the SDK and makes a
// client, as a CLI, a batch job or a serverless handler starts. The `--register` option points the entry at
// another build (to compare two versions of genai-meter with the same harness).
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { freePort } from '../../tests/support/tools.js';
import { pairedDiff, pairedRounds, spread, type Command, type ProcessSample, type Spread } from './process.js';

export const APPS = fileURLToPath(new URL('../apps/', import.meta.url));
/** The openai apps live next to openai 7's node_modules (bench/openai7). */
const OPENAI7 = fileURLToPath(new URL('../openai7/', import.meta.url));
const BENCH = fileURLToPath(new URL('..', import.meta.url));

/** The environment of a measured process: this one's, without anything that configures Node or OpenTelemetry. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('OTEL_') || k.startsWith('GENAI_METER_') || k.startsWith('NODE_') || k.startsWith('VITEST') || k === 'TSX_TSCONFIG_PATH') continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

export interface StartupVariant {
  name: string;
  /** Files (CommonJS, and ES modules loaded through require) and Node builtins the process loaded. */
  modules?: { files: number; builtins: number };
  wallMs: Spread;
  cpuMs: Spread;
  peakMiB?: Spread;
  /** Paired differences with the scenario's bare run (absent for the bare run). */
  added?: { wallMs: Spread; cpuMs: Spread; peakMiB?: Spread };
}

export interface StartupScenario {
  name: string;
  variants: StartupVariant[];
}

export interface StartupResult {
  rounds: number;
  register: string;
  scenarios: StartupScenario[];
}

interface Plan {
  name: string;
  bare: string[];
  variants: { name: string; args: string[]; env?: Record<string, string> }[];
}

function plans(register: string): Plan[] {
  const app = (f: string) => (f.startsWith('openai') ? `${OPENAI7}${f}` : `${APPS}${f}`);
  return [
    {
      name: 'empty script',
      bare: [app('empty.cjs')],
      variants: [{ name: '--require register', args: ['--require', register, app('empty.cjs')] }],
    },
    {
      name: 'empty ES module',
      bare: [app('empty.mjs')],
      variants: [{ name: '--import register', args: ['--import', register, app('empty.mjs')] }],
    },
    {
      name: 'openai 7 app (CommonJS: require openai, new OpenAI())',
      bare: [app('openai-app.cjs')],
      variants: [
        { name: '--require register', args: ['--require', register, app('openai-app.cjs')] },
        {
          // Information: a configured OTLP exporter is loaded from node_modules (GENAI_METER_SHUTDOWN_TIMEOUT_MS=0:
          // the last export to the closed port is not waited for).
          name: '--require register, OTLP http/protobuf',
          args: ['--require', register, app('openai-app.cjs')],
          env: { OTEL_METRICS_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', GENAI_METER_SHUTDOWN_TIMEOUT_MS: '0' },
        },
      ],
    },
    {
      name: 'openai 7 app (ES module: import OpenAI, new OpenAI())',
      bare: [app('openai-app.mjs')],
      variants: [{ name: '--import register', args: ['--import', register, app('openai-app.mjs')] }],
    },
  ];
}

/** JavaScript files and builtins a CommonJS-preloaded process loaded (one unmeasured run with a counting preload). */
function countModules(args: string[], env: NodeJS.ProcessEnv): StartupVariant['modules'] {
  const r = spawnSync(process.execPath, ['--require', `${APPS}modules.cjs`, ...args], { cwd: BENCH, env, encoding: 'utf8' });
  const line = r.stderr.split('\n').find((l) => l.startsWith('MODULES '));
  return line ? (JSON.parse(line.slice('MODULES '.length)) as StartupVariant['modules']) : undefined;
}

const spreadOf = (xs: ProcessSample[], field: 'wallMs' | 'cpuMs' | 'peakMiB'): Spread | undefined => {
  const v = xs.map((x) => x[field]).filter((x): x is number => x !== undefined);
  return v.length ? spread(v) : undefined;
};

export async function runStartup(rounds: number, log: (s: string) => void, register = '@genai-meter/node/register'): Promise<StartupResult> {
  const port = String(await freePort());
  const scenarios: StartupScenario[] = [];
  for (const plan of plans(register)) {
    log(`startup: ${plan.name}: ${rounds} paired rounds of ${plan.variants.length + 1} processes`);
    const env = (extra: Record<string, string> = {}) => cleanEnv({ OTEL_EXPORTER_PROMETHEUS_PORT: port, ...extra });
    const commands: Command[] = [
      { args: plan.bare, env: env(), cwd: BENCH },
      ...plan.variants.map((v) => ({ args: v.args, env: env(v.env), cwd: BENCH })),
    ];
    const samples = await pairedRounds(commands, rounds);
    const names = ['bare node', ...plan.variants.map((v) => v.name)];
    scenarios.push({
      name: plan.name,
      variants: samples.map((s, i) => {
        const out: StartupVariant = {
          name: names[i] as string,
          wallMs: spreadOf(s, 'wallMs') as Spread,
          cpuMs: spreadOf(s, 'cpuMs') as Spread,
          peakMiB: spreadOf(s, 'peakMiB'),
        };
        // Module counts need a CommonJS preload; under --import the register entry's files are ES modules.
        if (!commands[i]!.args.includes('--import')) out.modules = countModules(commands[i]!.args, commands[i]!.env!);
        if (i > 0) {
          const peak = pairedDiff(s, samples[0]!, 'peakMiB');
          out.added = {
            wallMs: spread(pairedDiff(s, samples[0]!, 'wallMs')),
            cpuMs: spread(pairedDiff(s, samples[0]!, 'cpuMs')),
            ...(peak.length ? { peakMiB: spread(peak) } : {}),
          };
        }
        return out;
      }),
    });
  }
  return { rounds, register, scenarios };
}
