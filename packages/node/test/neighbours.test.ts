// @opentelemetry/auto-instrumentations-node beside the register entry, as users run them: its `register`
// entry (a NodeSDK built from the OTEL_* variables, enabling the contrib @opentelemetry/instrumentation-openai
// among some 40 others) and ours, in both orders, with a CommonJS and an ES module app, openai 6 (contrib
// supports openai < 7) and real calls to the simulator. Every run is compared with the same run without
// genai-meter: the app sees the same results, contrib keeps its spans and metrics, and genai-meter's metrics
// go out exactly once, where its stderr line says.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTR_ERROR_TYPE, ATTR_GEN_AI_OPERATION_NAME, ATTR_GEN_AI_TOKEN_TYPE, GENAI_METER_SCOPE_PREFIX, METRICS } from '@genai-meter/instrumentation-openai';
import { startSimulator } from '@genai-meter/simulator';
import { parseExposition, promQuery, startPrometheus, type PrometheusInstance, type Sample } from '../../../tests/support/prometheus.js';
import { findTool, freePorts, waitFor } from '../../../tests/support/tools.js';
import { appEnv, killAll, launch, LINGER, REPO_ROOT, run, SUPPORT, type App } from './support/apps.js';
import { countOf, OtlpReceiver, sumOf, type OtlpPoint, type OtlpSpan } from './support/otlp-receiver.js';
import { select, total } from './support/prometheus-text.js';
import { listeningAddresses } from './support/sockets.js';

const FIXTURES = join(SUPPORT, '../fixtures');
const NEIGHBOURS_OPENAI = join(REPO_ROOT, 'packages/openai-compat/neighbours/node_modules/openai');
const AUTO = '@opentelemetry/auto-instrumentations-node/register';
const GENAI = '@genai-meter/node/register';
// What opentelemetry-js documents for ES module apps (doc/esm-support.md, "zero code option"): its loader
// hook, then the register entry under --import.
const CONTRIB_ESM_LOADER = '--experimental-loader=@opentelemetry/instrumentation/hook.mjs';
const CONTRIB_SCOPE = '@opentelemetry/instrumentation-openai';
const isGenai = (scope: string | undefined) => scope?.startsWith(GENAI_METER_SCOPE_PREFIX) ?? false;
const promName = (otelName: string) => otelName.replaceAll('.', '_');

// The simulator's deterministic usage for the app's calls (neighbours-calls.cjs): the prompt is 14 input
// tokens, every answer 60 output tokens; the two embeddings inputs are 6 tokens. Three chat calls succeed
// (genai-meter asks for the plain stream's usage itself), the fourth is a 429.
const EXPECTED = {
  chatInput: 3 * 14,
  chatOutput: 3 * 60,
  embeddingsInput: 6,
  /** gpt-4o-mini: $0.15 / $0.60 per million input / output tokens. */
  chatCost: (3 * 14 * 0.15 + 3 * 60 * 0.6) / 1e6,
  calls: 5,
  rateLimited: 1,
  streams: 2,
};

/**
 * cjs: a CommonJS app, both entries under --require. esm: an ES module app, both under --import after the
 * loader contrib documents. esm-without-loader: the same without that loader (auto's README shows only
 * --require; contrib alone then cannot patch the ES module copy of openai).
 */
type Kind = 'cjs' | 'esm' | 'esm-without-loader';
const KINDS: Kind[] = ['cjs', 'esm', 'esm-without-loader'];
type Both = 'auto, then genai-meter' | 'genai-meter, then auto';
type Order = 'auto alone' | Both;
const ORDERS: Both[] = ['auto, then genai-meter', 'genai-meter, then auto'];

/** The stderr line the README table promises for each order (`auto`, SDK registered during start-up). */
const PROMISED_LINE: Record<Both, RegExp> = {
  'auto, then genai-meter':
    /^\[genai-meter\] [\w ]*metrics: through the app's MeterProvider \(the app registered a global MeterProvider before it loaded an LLM SDK\); genai-meter runs no exporter of its own/m,
  'genai-meter, then auto':
    /^\[genai-meter\] [\w ]*metrics: through the app's MeterProvider \(the app registered a global MeterProvider before it loaded an LLM SDK\); genai-meter runs no exporter of its own/m,
};
const WHERE_LINES = /^\[genai-meter\] [\w ]*metrics: /gm;

// A throw-away app directory whose node_modules/openai is the openai 6 of packages/openai-compat/neighbours,
// so that both the CommonJS require and the ES module import resolve the bare specifier `openai` there.
let appDir: string;

/** node's arguments: the ESM loader contrib documents, the two register entries in `order`, then the app. */
function nodeArgs(kind: Kind, order: Order, extra: string[] = []): string[] {
  const flag = kind === 'cjs' ? '--require' : '--import';
  const auto = [flag, AUTO];
  const genai = [flag, GENAI];
  const preloads = order === 'auto alone' ? auto : order === 'auto, then genai-meter' ? [...auto, ...genai] : [...genai, ...auto];
  return [...(kind === 'esm' ? [CONTRIB_ESM_LOADER] : []), ...preloads, ...extra, join(appDir, kind === 'cjs' ? 'neighbours-app.cjs' : 'neighbours-app.mjs')];
}

/** The OTEL_* environment of a user of auto-instrumentations-node, plus `extra`. */
function neighbourEnv(openaiBaseURL: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  return appEnv({
    OPENAI_BASE_URL: openaiBaseURL,
    OTEL_SERVICE_NAME: 'neighbours-app',
    // contrib's log events are not the subject; the cloud resource detectors would probe metadata endpoints.
    OTEL_LOGS_EXPORTER: 'none',
    OTEL_NODE_RESOURCE_DETECTORS: 'env,process',
    ...extra,
  });
}

// Every process of the file is started once, on first use; the first beforeAll queues them all, in the order
// the tests use them, and at most PARALLEL run at a time (a lingering app gives its slot back once it has
// made its calls): the machine has 2 shared cores, and a process slowed down 10 times would time out.
const PARALLEL = 4;
/** Generous: on a loaded machine one auto-instrumentations process has taken 40 s. */
const PROCESS_TIMEOUT_MS = 120_000;
const TEST_TIMEOUT_MS = 2 * PROCESS_TIMEOUT_MS;
let runningProcesses = 0;
const waiting: (() => void)[] = [];
async function inSlot<T>(work: () => Promise<T>): Promise<T> {
  if (runningProcesses < PARALLEL) runningProcesses++;
  else await new Promise<void>((resolve) => waiting.push(resolve)); // the slot is handed over as it is
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else runningProcesses--;
  }
}
const started = new Map<string, Promise<unknown>>();
function once<T>(key: string, start: () => Promise<T>): Promise<T> {
  if (!started.has(key)) {
    const promise = inSlot(start);
    promise.catch(() => {}); // reported by the test that awaits it
    started.set(key, promise);
  }
  return started.get(key) as Promise<T>;
}

const resultOf = (stdout: string): unknown => {
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`the app printed no result:\n${stdout}`);
  return JSON.parse(line.slice('RESULT '.length));
};

beforeAll(() => {
  appDir = mkdtempSync(join(tmpdir(), 'genai-meter-neighbours-'));
  mkdirSync(join(appDir, 'node_modules'));
  symlinkSync(NEIGHBOURS_OPENAI, join(appDir, 'node_modules/openai'));
  for (const file of ['neighbours-app.cjs', 'neighbours-app.mjs', 'neighbours-calls.cjs']) cpSync(join(FIXTURES, file), join(appDir, file));
  for (const kind of KINDS) for (const order of ['auto alone', ...ORDERS] as const) void otlpRun(kind, order);
  for (const order of ORDERS) {
    void lingering(order, 'auto');
    void lingering(order, 'own');
  }
  void lateSdk();
});
afterAll(async () => {
  await killAll();
  rmSync(appDir, { recursive: true, force: true });
});

it('the app resolves openai 6 from packages/openai-compat/neighbours', () => {
  expect(realpathSync(join(appDir, 'node_modules/openai'))).toBe(realpathSync(NEIGHBOURS_OPENAI));
  expect((JSON.parse(readFileSync(join(appDir, 'node_modules/openai/package.json'), 'utf8')) as { version: string }).version).toMatch(/^6\./);
});

// ---------------------------------------------------------------------------------------------------------
// OTLP: the app's NodeSDK exports spans and metrics (http/json) to a receiver. OTEL_METRICS_EXPORTER=otlp is
// read by genai-meter too: had it kept an exporter of its own, its points would reach the same receiver in a
// second export, which "exactly once" below would see.

interface OtlpRun {
  seen: unknown;
  stderr: string;
  exports: OtlpReceiver['exports'];
  spans: OtlpSpan[];
}

async function runWithOtlp(kind: Kind, order: Order): Promise<OtlpRun> {
  // A fresh simulator per run, same seed: two runs get the same answers.
  const [sim, receiver] = await Promise.all([startSimulator({ seed: 11, latencyScale: 0 }), new OtlpReceiver().start()]);
  try {
    const env = neighbourEnv(sim.baseURL, {
      OTEL_METRICS_EXPORTER: 'otlp',
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    });
    const result = await run(nodeArgs(kind, order), env, { timeoutMs: PROCESS_TIMEOUT_MS });
    expect(result.code, `node ${nodeArgs(kind, order).join(' ')}\n${result.stderr}`).toBe(0);
    return { seen: resultOf(result.stdout), stderr: result.stderr, exports: receiver.exports, spans: receiver.spans };
  } finally {
    await Promise.all([sim.close(), receiver.close()]);
  }
}

const pointsOf = (r: OtlpRun, scope: (s: string) => boolean, metric: string, match: Record<string, string> = {}): OtlpPoint[] =>
  r.exports
    .flatMap((e) => e.points)
    .filter((p) => scope(p.scope) && p.metric === metric && Object.entries(match).every(([k, v]) => p.attributes[k] === v));
const contrib = (s: string) => s === CONTRIB_SCOPE;
/** An export of the app's NodeSDK: it carries the contrib instrumentations' scopes (genai-meter's own never does). */
const fromAppSdk = (e: OtlpReceiver['exports'][number]) => e.points.some((p) => p.scope.startsWith('@opentelemetry/instrumentation-'));
const describeExport = (e: OtlpReceiver['exports'][number]) =>
  `service.name=${e.resource['service.name']} service.instance.id=${e.resource['service.instance.id'] ?? '-'} sdk=${e.resource['telemetry.sdk.version']} ` +
  [...new Set(e.points.map((p) => `${p.scope} ${p.metric}`))].join(', ');
/** contrib's openai spans as name and status (2: error), sorted. */
const contribSpans = (r: OtlpRun) => r.spans.filter((s) => contrib(s.scope)).map((s) => `${s.name} status=${s.status}`).sort();
const CONTRIB_SPANS = [
  'chat gpt-4o-mini status=0',
  'chat gpt-4o-mini status=0',
  'chat gpt-4o-mini status=0',
  'chat gpt-4o-mini status=2',
  'embeddings text-embedding-3-small status=0',
];
/** The HTTP client spans (undici: fetch, which openai uses; http: node:http) by scope, name and path, sorted. */
const httpSpans = (r: OtlpRun) =>
  r.spans
    .filter((s) => /^@opentelemetry\/instrumentation-(http|undici)$/.test(s.scope))
    .map((s) => `${s.scope} ${s.name} ${URL.parse(String(s.attributes['url.full'] ?? s.attributes['http.url']))?.pathname}`)
    .sort();
/** Requests counted on the HTTP instrumentations' http.client.request.duration. */
const httpRequests = (r: OtlpRun) =>
  countOf(r.exports.flatMap((e) => e.points).filter((p) => /^@opentelemetry\/instrumentation-(http|undici)$/.test(p.scope) && p.metric === 'http.client.request.duration'));

const otlpRun = (kind: Kind, order: Order) => once(`otlp ${kind} ${order}`, () => runWithOtlp(kind, order));

describe.each(KINDS)('%s app, auto-instrumentations-node over OTLP', (kind) => {
  it.each(ORDERS)('%s: same results, contrib keeps its spans and metrics, genai-meter exported once', async (order) => {
    const [alone, both] = await Promise.all([otlpRun(kind, 'auto alone'), otlpRun(kind, order)]);

    // 1. The app sees exactly what it sees without genai-meter: values, every chunk, the error.
    expect(both.seen).toEqual(alone.seen);
    expect((both.seen as { failure: string }).failure).toBe('RateLimitError 429');
    expect(alone.stderr).not.toContain('[genai-meter]');

    // 2. contrib keeps every span it makes alone (four chat calls, one of them the 429, and embeddings), and
    // the HTTP instrumentations see the same requests: genai-meter sends none of its own.
    // Without its loader contrib alone cannot patch the ES module copy of openai (nothing). Beside genai-meter
    // it can: genai-meter's in-thread import-in-the-middle hook for `openai` also runs the Hook contrib
    // registers with the same import-in-the-middle (one copy in node_modules).
    const contribSeesOpenaiAlone = kind !== 'esm-without-loader';
    expect(contribSpans(alone)).toEqual(contribSeesOpenaiAlone ? CONTRIB_SPANS : []);
    expect(contribSpans(both)).toEqual(CONTRIB_SPANS);
    expect(httpSpans(alone)).toHaveLength(EXPECTED.calls);
    expect(httpSpans(both)).toEqual(httpSpans(alone));
    // contrib's metrics: every call timed.
    expect(countOf(pointsOf(alone, contrib, METRICS.duration.name))).toBe(contribSeesOpenaiAlone ? EXPECTED.calls : 0);
    expect(countOf(pointsOf(both, contrib, METRICS.duration.name))).toBe(EXPECTED.calls);
    // Its token points: 5 (the plain stream carries no usage). When genai-meter wraps outside contrib (loaded
    // later), contrib sees the stream_options.include_usage genai-meter adds to the plain stream and records
    // that stream's tokens too (2 more points); the app still gets no usage chunk (1. above).
    expect(countOf(pointsOf(alone, contrib, METRICS.tokenUsage.name))).toBe(contribSeesOpenaiAlone ? 5 : 0);
    expect(countOf(pointsOf(both, contrib, METRICS.tokenUsage.name))).toBe(order === 'auto, then genai-meter' ? 7 : 5);

    // 3. genai-meter's metrics: in the app's export (one, at exit), with every call. (Nothing else of
    // genai-meter's leaves the process: the next test.)
    const viaApp = { ...both, exports: both.exports.filter(fromAppSdk) };
    expect(viaApp.exports.filter((e) => e.points.some((p) => isGenai(p.scope)))).toHaveLength(1);
    const points = (scope: (s: string) => boolean, metric: string, match: Record<string, string> = {}) => pointsOf(viaApp, scope, metric, match);
    const duration = points(isGenai, METRICS.duration.name);
    expect(countOf(duration)).toBe(EXPECTED.calls);
    expect(countOf(duration.filter((p) => p.attributes[ATTR_ERROR_TYPE] === 'rate_limit'))).toBe(EXPECTED.rateLimited);
    expect(countOf(duration.filter((p) => p.attributes[ATTR_ERROR_TYPE] === undefined))).toBe(EXPECTED.calls - EXPECTED.rateLimited);
    const tokens = (operation: string, type: string) =>
      sumOf(points(isGenai, METRICS.tokenUsage.name, { [ATTR_GEN_AI_OPERATION_NAME]: operation, [ATTR_GEN_AI_TOKEN_TYPE]: type }));
    expect(tokens('chat', 'input')).toBe(EXPECTED.chatInput);
    expect(tokens('chat', 'output')).toBe(EXPECTED.chatOutput);
    expect(tokens('embeddings', 'input')).toBe(EXPECTED.embeddingsInput);
    expect(sumOf(points(isGenai, METRICS.cost.name, { [ATTR_GEN_AI_OPERATION_NAME]: 'chat' }))).toBeCloseTo(EXPECTED.chatCost, 12);
    expect(countOf(points(isGenai, METRICS.timeToFirstChunk.name))).toBe(EXPECTED.streams);
    expect(sumOf(points(isGenai, METRICS.activeRequests.name))).toBe(0);

    // ... and one stderr line says where they go, the one the README table promises for this order.
    expect(both.stderr.match(WHERE_LINES)).toHaveLength(1);
    expect(both.stderr).toMatch(PROMISED_LINE[order]);
    expect(both.stderr).not.toMatch(/EADDRINUSE|TypeError|Uncaught|duplicate registration|cannot/i);
  }, TEST_TIMEOUT_MS);

  for (const order of ORDERS) {
    // genai-meter first: it builds its own pipeline from OTEL_METRICS_EXPORTER (otlp) and adopts the SDK's
    // provider during start-up; the shutdown of its own provider must not export (it did once: a stale
    // genai_meter.client.active_requests=1 under genai-meter's own resource, and one more HTTP request).
    it(`${order}: nothing of genai-meter's leaves through an exporter of its own`, async () => {
      const [alone, both] = await Promise.all([otlpRun(kind, 'auto alone'), otlpRun(kind, order)]);
      // Each export as its resource's SDK version and instance id, and the scopes and metrics it carries.
      const genaiExports = both.exports.filter((e) => e.points.some((p) => isGenai(p.scope)));
      expect.soft(genaiExports.map(describeExport)).toEqual([expect.stringMatching(/service\.name=neighbours-app .*@opentelemetry\/instrumentation-openai/)]);
      expect.soft(httpRequests(both), 'HTTP client requests counted by the HTTP instrumentations').toBe(httpRequests(alone));
    }, TEST_TIMEOUT_MS);
  }
});

// ---------------------------------------------------------------------------------------------------------
// Prometheus: OTEL_METRICS_EXPORTER=prometheus, read by the app's NodeSDK and by genai-meter alike, and one
// OTEL_EXPORTER_PROMETHEUS_PORT for both (what the default port 9464 is when nobody sets one; a free port
// here, so that parallel tests never meet on 9464).

interface LingeringApp {
  app: App;
  port: number;
}

/**
 * A CommonJS app under both register entries that stays up after its calls, so that /metrics can be read;
 * GENAI_METER_METER_PROVIDER as given.
 */
async function startLingering(order: Both, meterProvider: 'auto' | 'own'): Promise<LingeringApp> {
  const [sim, [port]] = await Promise.all([startSimulator({ seed: 11, latencyScale: 0 }), freePorts(1)]);
  const app = launch(
    nodeArgs('cjs', order, ['--require', LINGER]),
    neighbourEnv(sim.baseURL, {
      OTEL_METRICS_EXPORTER: 'prometheus',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
      OTEL_TRACES_EXPORTER: 'none',
      // The SDK's diag logger shows what exporter-prometheus says about metadata conflicts.
      OTEL_LOG_LEVEL: 'warn',
      GENAI_METER_METER_PROVIDER: meterProvider,
    }),
  );
  void app.exit.then(() => sim.close());
  await app.waitForLine(/^RESULT /, PROCESS_TIMEOUT_MS);
  // auto-instrumentations' SIGTERM listener keeps a lingering process alive: killAll() sends SIGKILL.
  return { app, port: port! };
}
const lingering = (order: Both, meterProvider: 'auto' | 'own') => once(`prometheus ${order} ${meterProvider}`, () => startLingering(order, meterProvider));

async function exposition(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5_000) });
  expect(res.status).toBe(200);
  return res.text();
}

/** `promtool check metrics` (Debian's Prometheus 2.42) on an exposition: exit code and what it printed. */
function promtoolCheckMetrics(text: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(findTool('promtool'), ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
    child.stdin.end(text);
  });
}

/** `# HELP|TYPE|UNIT <name>` lines of an exposition, by metric family name. */
function metadataLines(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of text.matchAll(/^# (HELP|TYPE|UNIT) (\S+)/gm)) out.set(m[2]!, [...(out.get(m[2]!) ?? []), m[1]!]);
  return out;
}

const scopesOf = (samples: Sample[], name: string) => new Set(select(samples, name).map((s) => s.labels.otel_scope_name));

describe("one Prometheus endpoint for both scopes: the app's NodeSDK, genai-meter adopted", () => {
  const apps = new Map<Both, LingeringApp>();
  let prom: PrometheusInstance;

  beforeAll(async () => {
    for (const order of ORDERS) apps.set(order, await lingering(order, 'auto'));
    const jobs = ORDERS.map((order) => `  - job_name: '${order}'\n    static_configs: [{ targets: ['127.0.0.1:${apps.get(order)!.port}'] }]\n`);
    prom = await startPrometheus({ config: `global:\n  scrape_interval: 1s\nscrape_configs:\n${jobs.join('')}` });
  }, TEST_TIMEOUT_MS);
  afterAll(() => prom?.stop());

  it.each(ORDERS)('%s: one listener on the port, carrying contrib and genai-meter once each', async (order) => {
    const { app, port } = apps.get(order)!;
    // The app's SDK holds the port; genai-meter opened no server of its own (nothing else listens, and its
    // line says so).
    expect(listeningAddresses(port)).toHaveLength(1);
    expect(app.stderr()).toMatch(PROMISED_LINE[order]);
    const samples = parseExposition(await exposition(port));
    // Both scopes under the semconv names they share.
    for (const metric of [METRICS.duration, METRICS.tokenUsage]) {
      const scopes = scopesOf(samples, `${promName(metric.name)}_count`);
      expect(scopes.size).toBe(2);
      expect(scopes.has(CONTRIB_SCOPE)).toBe(true);
      expect([...scopes].filter(isGenai)).toHaveLength(1);
    }
    // No series twice (two exporters on one registry, or one scope exported twice, would show here).
    const keys = samples.map((s) => `${s.name}${JSON.stringify(Object.entries(s.labels).sort())}`);
    expect(new Set(keys).size).toBe(keys.length);
    const genai = samples.filter((s) => isGenai(s.labels.otel_scope_name));
    expect(total(genai, `${promName(METRICS.duration.name)}_count`)).toBe(EXPECTED.calls);
    expect(total(genai, `${promName(METRICS.tokenUsage.name)}_sum`, { gen_ai_operation_name: 'chat', gen_ai_token_type: 'input' })).toBe(EXPECTED.chatInput);
    expect(total(samples, `${promName(METRICS.duration.name)}_count`, { otel_scope_name: CONTRIB_SCOPE })).toBe(EXPECTED.calls);
  });

  it.each(ORDERS)('%s: the exposition is valid for promtool: one HELP, TYPE and UNIT per family', async (order) => {
    const text = await exposition(apps.get(order)!.port);
    for (const [name, lines] of metadataLines(text)) {
      expect(lines.filter((l) => l !== 'UNIT').sort(), name).toEqual(['HELP', 'TYPE']);
      expect(lines.filter((l) => l === 'UNIT').length, name).toBeLessThanOrEqual(1);
    }
    const check = await promtoolCheckMetrics(text);
    expect(check.output).toBe('');
    expect(check.code).toBe(0);
    // exporter-prometheus merges the two scopes' instruments of one name into one family. It keeps the first
    // HELP and UNIT (contrib's description, whose text differs from semconv's and ours) and warns through the
    // SDK's diag logger; a TYPE conflict would drop the family (both scopes): none exists.
    expect(apps.get(order)!.app.stderr()).toMatch(new RegExp(`Conflicting HELP comments for metric "${promName(METRICS.duration.name)}"`));
    expect(apps.get(order)!.app.stderr()).not.toMatch(/Conflicting (TYPE|UNIT) comments|dropping the metric/);

    // The check has teeth: the same text with the genai-meter series as a second family of that name (what an
    // exporter that did not merge scopes would write) is rejected.
    const duration = promName(METRICS.duration.name);
    const genaiLines = text.split('\n').filter((l) => l.startsWith(`${duration}_`) && /otel_scope_name="@genai-meter\//.test(l));
    const split = text
      .split('\n')
      .filter((l) => !genaiLines.includes(l))
      .join('\n')
      .concat(`# HELP ${duration} GenAI operation duration.\n# TYPE ${duration} histogram\n${genaiLines.join('\n')}\n`);
    const rejected = await promtoolCheckMetrics(split);
    expect(rejected.code).not.toBe(0);
    expect(rejected.output).toMatch(new RegExp(`second (HELP|TYPE) line for metric name "${duration}"`));
  });

  it('a real Prometheus scrapes both: every target up, both scopes ingested with their totals', async () => {
    const byJobAndScope = await waitFor(
      async () => {
        const up = await promQuery(prom.url, 'up');
        if (up.length !== ORDERS.length || up.some((r) => r.value !== 1)) return undefined;
        const result = await promQuery(prom.url, `sum by (job, otel_scope_name) (${promName(METRICS.duration.name)}_count)`);
        return result.length === ORDERS.length * 2 ? result : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 250, what: 'both targets scraped with both scopes' },
    );
    for (const order of ORDERS) {
      const scopes = byJobAndScope.filter((r) => r.metric.job === order);
      expect(scopes.map((r) => r.value)).toEqual([EXPECTED.calls, EXPECTED.calls]);
      expect(scopes.filter((r) => isGenai(r.metric.otel_scope_name))).toHaveLength(1);
      expect(scopes.filter((r) => r.metric.otel_scope_name === CONTRIB_SCOPE)).toHaveLength(1);
    }
    // The rules' selector finds genai-meter's series only.
    const selected = await promQuery(prom.url, `sum by (job) (${promName(METRICS.duration.name)}_count{otel_scope_name=~"@genai-meter/.+"})`);
    expect(selected.map((r) => r.value)).toEqual(ORDERS.map(() => EXPECTED.calls));
  });
});

/**
 * fixtures/own-sdk.cjs under the register entry alone: the app starts a NodeSDK with a PrometheusExporter on
 * APP_PROMETHEUS_PORT 300 ms after start (once running), then makes the example's three calls.
 */
async function startLateSdk(): Promise<LingeringApp> {
  const [sim, [port]] = await Promise.all([startSimulator({ seed: 11, latencyScale: 0 }), freePorts(1)]);
  const app = launch(
    ['--require', GENAI, '--require', LINGER, join(FIXTURES, 'own-sdk.cjs')],
    appEnv({
      OPENAI_BASE_URL: sim.baseURL,
      OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
      APP_PROMETHEUS_PORT: String(port),
      SDK_DELAY_MS: '300',
      EXAMPLE_APP: join(REPO_ROOT, 'examples/cjs-app/index.cjs'),
      OTEL_TRACES_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
    }),
  );
  void app.exit.then(() => sim.close());
  await app.waitForLine(/^SUMMARY /, PROCESS_TIMEOUT_MS);
  return { app, port: port! };
}
const lateSdk = () => once('late sdk', startLateSdk);

// ---------------------------------------------------------------------------------------------------------
// Port clashes: two Prometheus servers for one OTEL_EXPORTER_PROMETHEUS_PORT. Under the default `auto` there is
// one (above, and the last case below). There are two when genai-meter keeps its own exporters: whoever listens
// first keeps the port.

describe('two Prometheus servers on one OTEL_EXPORTER_PROMETHEUS_PORT', () => {
  it.each(ORDERS)(
    "GENAI_METER_METER_PROVIDER=own, %s: the app's SDK keeps the port (genai-meter listens once start-up is over), genai-meter says it cannot listen",
    async (order) => {
      const { app, port } = await lingering(order, 'own');
      const stderr = await waitFor(() => (/cannot listen/.test(app.stderr()) ? app.stderr() : undefined), { timeoutMs: 10_000, what: "genai-meter's listen warning" });
      expect(stderr).toMatch(new RegExp(`^\\[genai-meter\\] [\\w ]*metrics: prometheus on http://127\\.0\\.0\\.1:${port}/metrics`, 'm'));
      expect(stderr).toMatch(new RegExp(`^\\[genai-meter\\] Prometheus exporter cannot listen on 127\\.0\\.0\\.1:${port} \\(listen EADDRINUSE`, 'm'));
      expect(listeningAddresses(port)).toHaveLength(1);
      const samples = parseExposition(await exposition(port));
      // What is scraped there is the app's SDK: contrib's metrics, none of genai-meter's.
      expect(total(samples, `${promName(METRICS.duration.name)}_count`, { otel_scope_name: CONTRIB_SCOPE })).toBe(EXPECTED.calls);
      expect(samples.filter((s) => isGenai(s.labels.otel_scope_name))).toEqual([]);
      expect(app.child.exitCode).toBeNull(); // a busy port never stops the app
    },
    TEST_TIMEOUT_MS,
  );

  it("an app SDK started once the app runs, before it loads an LLM SDK: genai-meter had announced nothing yet, so it uses the app's provider and one port serves both", async () => {
    const { app, port } = await lateSdk();
    expect(app.stderr()).toMatch(/LLM call metrics: through the app's MeterProvider \(the app registered a global MeterProvider before it loaded an LLM SDK\); genai-meter runs no exporter of its own/);
    expect(app.stderr()).not.toMatch(/LLM call metrics: prometheus on/);
    const samples = parseExposition(await exposition(port));
    expect(total(samples, `${promName(METRICS.duration.name)}_count`)).toBe(3);
    expect(total(samples, 'app_requests_total')).toBe(7);
    expect(app.stderr()).not.toMatch(/EADDRINUSE|cannot listen/);
    expect(listeningAddresses(port)).toHaveLength(1);
  }, TEST_TIMEOUT_MS);
});
