// Facts about the machine and the packages a result came from.
import { cpus, loadavg, totalmem, release } from 'node:os';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { packageVersion } from './versions.js';

const benchRequire = createRequire(import.meta.url);
const openai7Require = createRequire(fileURLToPath(new URL('../openai7/package.json', import.meta.url)));

export interface MachineFacts {
  cpuModel: string;
  cores: number;
  memoryGB: number;
  kernel: string;
  node: string;
  loadAverage1m: number;
  /** Commit, and whether the measured packages had uncommitted changes (the build is of the working tree). */
  source?: string;
  packages: Record<string, string>;
}

export function machineFacts(): MachineFacts {
  const list = cpus();
  const v = (name: string, req: NodeJS.Require = benchRequire) => {
    try {
      return packageVersion(req, name);
    } catch {
      return 'missing';
    }
  };
  return {
    cpuModel: list[0]?.model ?? 'unknown',
    cores: list.length,
    memoryGB: Math.round(totalmem() / 1024 ** 3),
    kernel: release(),
    node: process.version,
    loadAverage1m: Number((loadavg()[0] ?? 0).toFixed(2)),
    source: sourceState(),
    packages: {
      '@genai-meter/instrumentation-openai': v('@genai-meter/instrumentation-openai'),
      '@opentelemetry/instrumentation-openai': v('@opentelemetry/instrumentation-openai'),
      openlit: v('openlit'),
      'openai (6)': v('openai'),
      'openai (7)': v('openai', openai7Require),
      '@opentelemetry/sdk-metrics': v('@opentelemetry/sdk-metrics'),
      '@opentelemetry/api': v('@opentelemetry/api'),
      '@opentelemetry/exporter-prometheus': v('@opentelemetry/exporter-prometheus'),
      '@opentelemetry/exporter-metrics-otlp-proto': v('@opentelemetry/exporter-metrics-otlp-proto'),
    },
  };
}

function sourceState(): string {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
    const dirty = git('status', '--porcelain', '--', 'packages/instrumentation-core/src', 'packages/instrumentation-openai/src', 'packages/instrumentation-anthropic/src', 'packages/instrumentation-google-genai/src', 'packages/instrumentation-ai/src', 'packages/pricing/src');
    return `commit ${git('rev-parse', '--short', 'HEAD')}${dirty ? `, with uncommitted changes in ${dirty.split('\n').length} source files of the measured packages` : ''}`;
  } catch {
    return 'not a git checkout';
  }
}
