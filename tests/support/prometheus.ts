// Prometheus for tests: parse the text exposition format, query the HTTP API, and run Debian's
// Prometheus on a free loopback port with a throw-away TSDB.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTool, freePort, httpGet, startProcess, type RunningProcess } from './tools.js';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?/gy;

function unescapeLabel(v: string): string {
  return v.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

function parseValue(v: string): number {
  if (v === '+Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  return Number(v);
}

/** Samples of a Prometheus text exposition (version 0.0.4); comments and blank lines are skipped. */
export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m?.[1] || m[3] === undefined) throw new Error(`unparsable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    if (m[2]) {
      LABEL.lastIndex = 0;
      let l: RegExpExecArray | null;
      while (LABEL.lastIndex < m[2].length && (l = LABEL.exec(m[2])) !== null) {
        if (l[1] !== undefined && l[2] !== undefined) labels[l[1]] = unescapeLabel(l[2]);
      }
      if (LABEL.lastIndex < m[2].length) throw new Error(`unparsable labels: ${m[2]}`);
    }
    samples.push({ name: m[1], labels, value: parseValue(m[3]) });
  }
  return samples;
}

/** Label names of a sample, sorted (`__name__` excluded). */
export function labelNames(labels: Record<string, string>): string[] {
  return Object.keys(labels)
    .filter((k) => k !== '__name__')
    .sort();
}

export interface VectorResult {
  metric: Record<string, string>;
  value: number;
}

/** Instant query against the Prometheus HTTP API; throws unless status is success. */
export async function promQuery(baseUrl: string, expr: string): Promise<VectorResult[]> {
  const { status, body } = await httpGet(`${baseUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const parsed = JSON.parse(body) as {
    status: string;
    error?: string;
    data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  if (status !== 200 || parsed.status !== 'success' || !parsed.data) {
    throw new Error(`query ${expr} failed (${status}): ${parsed.error ?? body}`);
  }
  if (parsed.data.resultType !== 'vector') throw new Error(`query ${expr} returned ${parsed.data.resultType}, not vector`);
  return parsed.data.result.map((r) => ({ metric: r.metric, value: parseValue(r.value[1]) }));
}

/** Every series name Prometheus knows (`/api/v1/label/__name__/values`). */
export async function promMetricNames(baseUrl: string): Promise<string[]> {
  const { body } = await httpGet(`${baseUrl}/api/v1/label/__name__/values`);
  return (JSON.parse(body) as { data: string[] }).data;
}

export interface PrometheusInstance {
  url: string;
  port: number;
  proc: RunningProcess;
  /** The temporary directory holding prometheus.yml and the TSDB. */
  dir: string;
  stop(): Promise<void>;
}

export interface StartPrometheusOptions {
  /** prometheus.yml content (default: an empty config, global settings only). */
  config?: string;
  /** Extra files written next to prometheus.yml (rule files, ...), name -> content. */
  files?: Record<string, string>;
  /** Accept remote write on /api/v1/write. */
  remoteWriteReceiver?: boolean;
  extraArgs?: string[];
  /** Listen on this 127.0.0.1 port (default: a free one), e.g. when the config must name Prometheus' own address. */
  port?: number;
  /** Another Prometheus binary (e.g. a 3.x build); default findTool('prometheus'). */
  bin?: string;
}

/** Starts Prometheus on 127.0.0.1:<free port> with its own temporary TSDB, ready when /-/ready answers. */
export async function startPrometheus(options: StartPrometheusOptions = {}): Promise<PrometheusInstance> {
  const dir = await mkdtemp(join(tmpdir(), 'genai-meter-prom-'));
  const config = options.config ?? 'global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n';
  await writeFile(join(dir, 'prometheus.yml'), config);
  for (const [name, content] of Object.entries(options.files ?? {})) await writeFile(join(dir, name), content);
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const args = [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--web.enable-lifecycle',
    ...(options.remoteWriteReceiver ? ['--web.enable-remote-write-receiver'] : []),
    ...(options.extraArgs ?? []),
  ];
  let proc: RunningProcess;
  try {
    proc = await startProcess(options.bin ?? findTool('prometheus'), args, { name: 'prometheus', readyUrl: `${url}/-/ready` });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    port,
    proc,
    dir,
    async stop() {
      await proc.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
