// `npm run demo`: genai-meter working in seconds, with no Docker and no API key.
// Starts the simulator (realistic latency and a mix of faults) unless OPENAI_BASE_URL is set, runs the demo
// workload under `node --require @genai-meter/node/register` serving /metrics, starts Prometheus with the
// genai-meter rules when the binary is present, and prints a live summary read from /metrics.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { startSimulator } from '@genai-meter/simulator';
import { METRICS, ATTR_ERROR_TYPE, ATTR_GEN_AI_TOKEN_TYPE, ATTR_GEN_AI_REQUEST_MODEL, ATTR_GENAI_METER_TOKEN_DETAIL } from '@genai-meter/instrumentation-openai';
import { directScrapeName, labelName, renderPrometheusConfig, settings } from '@genai-meter/mixin';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const USAGE = `Usage: npm run demo -- [options]

  --duration D         stop after D (e.g. 30, 45s, 2m); default: run until Ctrl-C
  --rps N              calls started per second by the workload (default 6)
  --metrics-port P     port of the app's /metrics on 127.0.0.1 (default 9464)
  --prometheus-port P  port of Prometheus on 127.0.0.1 (default 9090)
  --no-prometheus      do not start Prometheus even when the binary is installed
  -h, --help           this help

Point the workload at a real endpoint with OPENAI_BASE_URL and OPENAI_API_KEY (it then makes real, billed calls).`;

function fail(message) {
  console.error(`demo: ${message}\n\n${USAGE}`);
  process.exit(2);
}

let opts;
try {
  opts = parseArgs({
    options: {
      duration: { type: 'string' },
      rps: { type: 'string', default: '6' },
      'metrics-port': { type: 'string', default: '9464' },
      'prometheus-port': { type: 'string', default: '9090' },
      'no-prometheus': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  }).values;
} catch (e) {
  fail(e.message);
}
if (opts.help) {
  console.log(USAGE);
  process.exit(0);
}

function parseDuration(text) {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) fail(`--duration '${text}' is not a duration like 30, 45s, 2m`);
  return Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2] ?? 's'];
}
function parsePort(name) {
  const n = Number(opts[name]);
  if (!Number.isInteger(n) || n < 1 || n > 65535) fail(`--${name} '${opts[name]}' is not a port`);
  return n;
}
const durationS = opts.duration === undefined ? 0 : parseDuration(opts.duration);
const rps = Number(opts.rps);
if (!(rps > 0 && rps <= 1000)) fail(`--rps '${opts.rps}' is not a number in (0, 1000]`);
const metricsPort = parsePort('metrics-port');
const prometheusPort = parsePort('prometheus-port');

// ---------------------------------------------------------------- the parts
const children = [];
let simulator;
let baseURL = process.env.OPENAI_BASE_URL;
if (!baseURL) {
  simulator = await startSimulator({
    host: '127.0.0.1',
    seed: 1,
    latencyScale: 1,
    faults: { rate_limit: 0.03, server_error: 0.008, service_unavailable: 0.006, reset: 0.004, stream_cut: 0.004, hang: 0.002 },
  });
  baseURL = simulator.baseURL;
}

const app = spawn(process.execPath, ['--require', '@genai-meter/node/register', join(root, 'examples/demo-app/index.cjs')], {
  cwd: root,
  env: {
    ...process.env,
    OPENAI_BASE_URL: baseURL,
    OPENAI_API_KEY: process.env.OPENAI_API_KEY ?? 'sk-simulator',
    // The simulator also plays Anthropic's and Gemini's APIs on the same port.
    ...(simulator ? { ANTHROPIC_BASE_URL: simulator.url, GOOGLE_GEMINI_BASE_URL: simulator.url } : {}),
    OTEL_SERVICE_NAME: process.env.OTEL_SERVICE_NAME ?? 'genai-meter-demo',
    OTEL_METRICS_EXPORTER: 'prometheus',
    OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
    OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
    DEMO_RPS: String(rps),
    DEMO_QUIET: '1',
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
children.push(app);
let appLog = '';
app.stdout.on('data', (d) => (appLog += d));
app.stderr.on('data', (d) => (appLog += d));
const appExited = new Promise((resolve) => app.on('exit', resolve));
app.on('exit', (code) => {
  if (!stopping) {
    console.error(`demo: the workload exited (${code}):\n${appLog.slice(-2000)}`);
    stop(1);
  }
});

function findPrometheus() {
  if (process.env.PROMETHEUS_BIN) return process.env.PROMETHEUS_BIN;
  const envFile = join(root, '.cache/tools.env');
  if (existsSync(envFile)) {
    const m = /^PROMETHEUS_BIN=["']?([^"'\n]+)/m.exec(readFileSync(envFile, 'utf8'));
    if (m && existsSync(m[1])) return m[1];
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir && existsSync(join(dir, 'prometheus'))) return join(dir, 'prometheus');
  return undefined;
}

let prometheusURL;
let promDir;
const prometheusBin = opts['no-prometheus'] ? undefined : findPrometheus();
if (prometheusBin) {
  promDir = mkdtempSync(join(tmpdir(), 'genai-meter-demo-'));
  // The same scrape job and relabelling as prometheus/prometheus.yml, pointed at this machine; no collector
  // or Alertmanager runs in the demo, so their parts are left out.
  const config = parseYaml(
    renderPrometheusConfig(settings, {
      collectorTarget: '127.0.0.1:8889',
      appJobs: [{ job: 'genai-meter-demo', targets: [`127.0.0.1:${metricsPort}`] }],
      alertmanagerTarget: '127.0.0.1:9093',
      selfTarget: `127.0.0.1:${prometheusPort}`,
      ruleFiles: ['genai-recording.rules.yml', 'genai-budgets.rules.yml', 'genai-alerts.rules.yml'].map((f) => join(root, 'prometheus/rules', f)),
    }),
  );
  delete config.alerting;
  // Frequent scrapes and rule evaluations: the demo should show movement within seconds.
  config.global.scrape_interval = '2s';
  config.global.evaluation_interval = '2s';
  config.scrape_configs = config.scrape_configs.filter((j) => j.job_name !== 'otel-collector');
  writeFileSync(join(promDir, 'prometheus.yml'), stringifyYaml(config));
  const prom = spawn(
    prometheusBin,
    [`--config.file=${join(promDir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(promDir, 'data')}`, `--web.listen-address=127.0.0.1:${prometheusPort}`],
    { stdio: 'ignore' },
  );
  children.push(prom);
  prometheusURL = `http://127.0.0.1:${prometheusPort}`;
}

// ---------------------------------------------------------------- the summary
const metricsURL = `http://127.0.0.1:${metricsPort}/metrics`;
const N = {
  duration: directScrapeName(METRICS.duration),
  tokens: directScrapeName(METRICS.tokenUsage),
  ttfc: directScrapeName(METRICS.timeToFirstChunk),
  cost: directScrapeName(METRICS.cost),
  details: directScrapeName(METRICS.tokenDetails),
  active: directScrapeName(METRICS.activeRequests),
  retries: directScrapeName(METRICS.retries),
  unpriced: directScrapeName(METRICS.unpricedCalls),
};
const LBL = {
  error: labelName(ATTR_ERROR_TYPE),
  tokenType: labelName(ATTR_GEN_AI_TOKEN_TYPE),
  model: labelName(ATTR_GEN_AI_REQUEST_MODEL),
  detail: labelName(ATTR_GENAI_METER_TOKEN_DETAIL),
  feature: 'genai_meter_feature',
};

/** Prometheus text format -> [{name, labels, value}]. */
function parseExposition(text) {
  const out = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

const total = (samples, name, pred = () => true) => samples.filter((s) => s.name === name && pred(s.labels)).reduce((a, s) => a + s.value, 0);
const groupSum = (samples, name, label) => {
  const g = new Map();
  for (const s of samples) if (s.name === name && s.labels[label] !== undefined) g.set(s.labels[label], (g.get(s.labels[label]) ?? 0) + s.value);
  return [...g.entries()].sort((a, b) => b[1] - a[1]);
};

/** histogram_quantile over every series of a histogram, summed by `le`. */
function quantile(samples, base, q) {
  const byLe = new Map();
  for (const s of samples) if (s.name === `${base}_bucket`) byLe.set(s.labels.le, (byLe.get(s.labels.le) ?? 0) + s.value);
  const buckets = [...byLe.entries()].map(([le, c]) => [le === '+Inf' ? Infinity : Number(le), c]).sort((a, b) => a[0] - b[0]);
  const count = buckets.at(-1)?.[1] ?? 0;
  if (count === 0) return undefined;
  const rank = q * count;
  let prevLe = 0;
  let prevCount = 0;
  for (const [le, c] of buckets) {
    if (c >= rank) {
      if (le === Infinity) return prevLe;
      return prevLe + ((le - prevLe) * (rank - prevCount)) / Math.max(c - prevCount, 1e-9);
    }
    prevLe = le;
    prevCount = c;
  }
  return prevLe;
}

const fmtS = (v) => (v === undefined ? '-' : v < 1 ? `${Math.round(v * 1000)}ms` : `${v.toFixed(2)}s`);
const fmtUsd = (v) => `$${v < 1 ? v.toFixed(4) : v.toFixed(2)}`;
const fmtN = (v) => Math.round(v).toLocaleString('en-US');
const started = Date.now();
let previous;

async function summary() {
  let text;
  try {
    const res = await fetch(metricsURL, { signal: AbortSignal.timeout(2000) });
    text = await res.text();
  } catch {
    return `waiting for ${metricsURL} ...`;
  }
  const s = parseExposition(text);
  const calls = total(s, `${N.duration}_count`);
  const now = Date.now();
  const rate = previous ? (calls - previous.calls) / ((now - previous.at) / 1000) : 0;
  const spend = total(s, `${N.cost}_sum`);
  const spendRate = previous ? ((spend - previous.spend) / ((now - previous.at) / 1000)) * 3600 : 0;
  previous = { calls, spend, at: now };
  const errors = groupSum(s, `${N.duration}_count`, LBL.error);
  const failed = errors.reduce((a, e) => a + e[1], 0);
  const elapsed = Math.round((now - started) / 1000);
  const lines = [
    `genai-meter demo · ${String(Math.floor(elapsed / 60)).padStart(2, '0')}:${String(elapsed % 60).padStart(2, '0')} · ${simulator ? 'simulator' : baseURL} · ${metricsURL}${prometheusURL ? ` · Prometheus ${prometheusURL}` : ''}`,
    `calls      ${fmtN(calls)} (${rate.toFixed(1)}/s)   in flight ${fmtN(total(s, N.active))}   SDK retries ${fmtN(total(s, N.retries))}`,
    `spend      ${fmtUsd(spend)} (${fmtUsd(spendRate)}/h at this rate)   unpriced calls ${fmtN(total(s, N.unpriced))}`,
    `tokens     in ${fmtN(total(s, `${N.tokens}_sum`, (l) => l[LBL.tokenType] === 'input'))}   out ${fmtN(total(s, `${N.tokens}_sum`, (l) => l[LBL.tokenType] === 'output'))}` +
      `   cached ${fmtN(total(s, N.details, (l) => l[LBL.detail] === 'cache_read'))}   reasoning ${fmtN(total(s, N.details, (l) => l[LBL.detail] === 'reasoning'))}`,
    `latency    p50 ${fmtS(quantile(s, N.duration, 0.5))}   p95 ${fmtS(quantile(s, N.duration, 0.95))}   p99 ${fmtS(quantile(s, N.duration, 0.99))}` +
      `   time to first chunk p50 ${fmtS(quantile(s, N.ttfc, 0.5))} p95 ${fmtS(quantile(s, N.ttfc, 0.95))}`,
    `errors     ${errors.length ? errors.map(([k, v]) => `${k} ${fmtN(v)}`).join('   ') : 'none'}   (${calls ? ((100 * failed) / calls).toFixed(1) : '0.0'}% of calls)`,
    `by model   ${groupSum(s, `${N.cost}_sum`, LBL.model).slice(0, 4).map(([k, v]) => `${k} ${fmtUsd(v)}`).join('   ')}`,
    `by feature ${groupSum(s, `${N.cost}_sum`, LBL.feature).map(([k, v]) => `${k} ${fmtUsd(v)}`).join('   ')}`,
    `by SDK     ${groupSum(s, `${N.duration}_count`, 'otel_scope_name').map(([k, v]) => `${k.replace('@genai-meter/instrumentation-', '')} ${fmtN(v)} calls`).join('   ')}`,
  ];
  if (prometheusURL) lines.push(await prometheusStatus());
  return lines.join('\n');
}

/** What Prometheus itself reports: the scrape of the app, the genai-meter rules, alerts firing. */
async function prometheusStatus() {
  const get = async (path) => (await (await fetch(prometheusURL + path, { signal: AbortSignal.timeout(2000) })).json()).data;
  try {
    const [targets, rules, alerts] = await Promise.all([get('/api/v1/targets'), get('/api/v1/rules'), get('/api/v1/alerts')]);
    const app = targets.activeTargets.find((t) => t.labels.job === 'genai-meter-demo');
    const firing = alerts.alerts.filter((a) => a.state === 'firing').map((a) => a.labels.alertname);
    const ruleCount = rules.groups.reduce((a, g) => a + g.rules.length, 0);
    return `prometheus scrape ${app?.health ?? 'pending'} · ${rules.groups.length} rule groups, ${ruleCount} rules · firing: ${firing.length ? [...new Set(firing)].join(', ') : 'none'}`;
  } catch {
    return `prometheus starting at ${prometheusURL} ...`;
  }
}

const tty = process.stdout.isTTY;
let ticks = 0;
const interval = setInterval(async () => {
  const text = await summary();
  ticks++;
  if (tty) process.stdout.write(`\x1b[H\x1b[2J${text}\n\nCtrl-C to stop.\n`);
  else if (ticks % 5 === 0) console.log(`${text}\n`);
}, 1000);

// ---------------------------------------------------------------- stop
let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  clearInterval(interval);
  const last = await summary();
  if (app.exitCode === null) {
    app.kill('SIGTERM');
    await Promise.race([appExited, new Promise((r) => setTimeout(r, 30_000))]);
  }
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  await simulator?.close();
  if (promDir) rmSync(promDir, { recursive: true, force: true });
  console.log(`\n${last}\n\n${appLog.trim().split('\n').at(-1) ?? ''}`);
  process.exit(code);
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
if (durationS > 0) setTimeout(() => stop(0), durationS * 1000);
console.log(`demo: workload at ${rps} calls/s; metrics on ${metricsURL}${prometheusURL ? `; Prometheus on ${prometheusURL}` : ''}`);
