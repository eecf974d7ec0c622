// Beside an app's own OpenTelemetry SDK: no second global provider, no crash, genai metrics in the app's
// pipeline. And the programmatic API for apps that wire their own NodeSDK (views, attribution, baggage).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '@genai-meter/simulator';
import { freePorts } from '../../../tests/support/tools.js';
import { appEnv, CJS_APP, killAll, launch, SUPPORT } from './support/apps.js';
import { expectExampleSeries } from './support/expect.js';
import { scrape, select, total } from './support/prometheus-text.js';
import { listeningAddresses } from './support/sockets.js';

const FIXTURES = join(SUPPORT, '../fixtures');
const OWN_SDK = join(FIXTURES, 'own-sdk.cjs');
const PROGRAMMATIC = join(FIXTURES, 'programmatic.mjs');

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 1, latencyScale: 0 });
});
afterEach(() => killAll());
afterAll(() => sim?.close());

const sdkEnv = (extra: Record<string, string>) =>
  appEnv({ OPENAI_BASE_URL: sim.baseURL, OTEL_TRACES_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none', OTEL_LOG_LEVEL: 'info', ...extra });

describe('an app with its own OTel SDK, started with the register entry', () => {
  type Where = 'app' | 'ours';
  // [when the app's SDK starts, delay, GENAI_METER_METER_PROVIDER, where genai-meter's metrics end up, the stderr line]
  const cases: [string, boolean, number, string, Where, RegExp][] = [
    ['before genai-meter (a preload listed first)', true, 0, 'auto', 'app', /LLM call metrics: through the app's MeterProvider \(the app registered a global MeterProvider before it loaded an LLM SDK\); genai-meter runs no exporter of its own/],
    ['before genai-meter, GENAI_METER_METER_PROVIDER=own', true, 0, 'own', 'ours', /LLM call metrics: prometheus on http:\/\/127\.0\.0\.1:\d+\/metrics/],
    // Start-up (preloads, the main module's first run) is over only when the event loop turns: an SDK the
    // app starts at the top of its main module is used as if it came first; no port of ours was opened.
    ['at the top of its main module, after genai-meter', false, 0, 'auto', 'app', /LLM call metrics: through the app's MeterProvider \(the app registered a global MeterProvider before it loaded an LLM SDK\); genai-meter runs no exporter of its own/],
    // The default never moves a running pipeline: the port the operator scrapes stays, and stderr says why.
    // (The app loads openai at start, so genai-meter's pipeline runs before the app's SDK; with no LLM SDK
    // loaded yet genai-meter would have announced nothing and used the app's provider: neighbours.test.ts.)
    ['once running, after genai-meter', false, 300, 'auto', 'ours', /the app registered a global MeterProvider after genai-meter started; genai-meter keeps its own exporters \(prometheus on http:\/\/127\.0\.0\.1:\d+\/metrics\)/],
    ['once running, after genai-meter, GENAI_METER_METER_PROVIDER=app', false, 300, 'app', 'app', /LLM call metrics: through the app's MeterProvider \(the app registered a global MeterProvider after genai-meter started \(GENAI_METER_METER_PROVIDER=app\)\); genai-meter's own exporters stop \(prometheus on/],
  ];
  it.each(cases)('SDK started %s', async (_when, preload, delay, choice, where, notice) => {
    const [ours, theirs] = await freePorts(2);
    const args = preload
      ? ['--require', OWN_SDK, '--require', '@genai-meter/node/register', '--require', join(SUPPORT, 'linger.cjs'), CJS_APP]
      : ['--require', '@genai-meter/node/register', '--require', join(SUPPORT, 'linger.cjs'), OWN_SDK];
    const app = launch(
      args,
      sdkEnv({
        OTEL_EXPORTER_PROMETHEUS_PORT: String(ours),
        APP_PROMETHEUS_PORT: String(theirs),
        EXAMPLE_APP: preload ? '' : CJS_APP,
        GENAI_METER_METER_PROVIDER: choice,
        ...(delay ? { SDK_DELAY_MS: String(delay), LOAD_OPENAI_FIRST: '1' } : {}),
      }),
    );
    await app.summary();
    const appSamples = await scrape(`http://127.0.0.1:${theirs}/metrics`);
    expect(total(appSamples, 'app_requests_total')).toBe(7); // the app's own metric is untouched
    expect(select(appSamples, 'target_info')[0]!.labels.service_name).toBe('own-sdk-app');
    if (where === 'app') {
      expectExampleSeries(appSamples);
      // genai-meter's own Prometheus endpoint is not (or no longer) there.
      expect(listeningAddresses(ours!)).toEqual([]);
    } else {
      expectExampleSeries(await scrape(`http://127.0.0.1:${ours}/metrics`));
      // Counted once: nothing of genai-meter's in the app's pipeline.
      expect(appSamples.filter((x) => x.name.startsWith('gen_ai_'))).toEqual([]);
    }
    // (NodeSDK's own diag noise about replacing the diag logger is expected with OTEL_LOG_LEVEL set.)
    expect(app.stderr()).not.toMatch(/duplicate registration|EADDRINUSE|TypeError|Uncaught/i);
    expect(app.stderr()).toMatch(notice);
    // Running alone first, genai-meter aggregated on its own; a switch to the app's SDK instruments lost
    // nothing (expectExampleSeries above counts every call, the first one included).
    if (delay) expect(app.stderr()).toContain('(aggregation: internal)');
    // Each outcome is said once; a port of ours is never opened to be closed at start-up.
    expect(app.stderr().match(/LLM call metrics:/g)?.length ?? 0).toBe(where === 'app' && delay ? 2 : 1);
    app.kill('SIGTERM');
    expect((await app.exit).signal).toBe('SIGTERM');
  });
});

describe('programmatic API: createInstrumentation() + views() in a NodeSDK', () => {
  async function runProgrammatic(extra: Record<string, string>) {
    const [port] = await freePorts(1);
    const app = launch([PROGRAMMATIC], sdkEnv({ APP_PROMETHEUS_PORT: String(port), OTEL_LOG_LEVEL: 'warn', ...extra }));
    await app.summary();
    const samples = await scrape(`http://127.0.0.1:${port}/metrics`);
    return { app, samples };
  }

  it('withAttributes, allow-listed and length-capped baggage, dropped labels, semconv buckets', async () => {
    const { app, samples } = await runProgrammatic({
      GENAI_METER_BAGGAGE_ATTRIBUTES: 'tenant',
      GENAI_METER_ATTRIBUTE_VALUE_MAX_LENGTH: '16',
      GENAI_METER_ATTRIBUTES_DROP: 'server.address,server.port',
    });
    const chat = select(samples, 'gen_ai_client_token_usage_sum', { gen_ai_operation_name: 'chat', gen_ai_token_type: 'input' });
    expect(chat).toHaveLength(1);
    expect(chat[0]!.labels).toMatchObject({ genai_meter_feature: 'search', gen_ai_request_model: 'gpt-4o-mini' });
    expect(chat[0]!.value).toBe(14);
    expect(app.stderr()).toContain(`withAttributes: 'gen_ai.request.model' is reserved`);

    const tenant = select(samples, 'gen_ai_client_token_usage_sum', { gen_ai_operation_name: 'embeddings' });
    expect(tenant).toHaveLength(1);
    expect(tenant[0]!.labels.tenant).toBe('acme-corporation'); // cut to 16 characters
    expect(tenant[0]!.labels.user_id).toBeUndefined(); // not on the allow-list
    expect(tenant[0]!.labels.genai_meter_feature).toBeUndefined(); // outside any withAttributes scope

    const genai = samples.filter((s) => s.name.startsWith('gen_ai_') || s.name.startsWith('genai_meter_'));
    expect(genai.length).toBeGreaterThan(10);
    expect(genai.filter((s) => s.labels.server_address !== undefined || s.labels.server_port !== undefined)).toEqual([]);
    const les = select(samples, 'gen_ai_client_operation_duration_bucket', { gen_ai_operation_name: 'chat' }).map((s) => s.labels.le);
    expect(les).toEqual(['0.01', '0.02', '0.04', '0.08', '0.16', '0.32', '0.64', '1.28', '2.56', '5.12', '10.24', '20.48', '40.96', '81.92', '+Inf']);
  });

  it('GENAI_METER_ATTRIBUTES_ALLOW keeps only the listed labels', async () => {
    const { samples } = await runProgrammatic({ GENAI_METER_ATTRIBUTES_ALLOW: 'gen_ai.operation.name,gen_ai.token.type' });
    const points = select(samples, 'gen_ai_client_token_usage_sum');
    expect(points.map((s) => Object.keys(s.labels).filter((k) => !k.startsWith('otel_scope')).sort())).toEqual(
      points.map(() => ['gen_ai_operation_name', 'gen_ai_token_type']),
    );
    expect(total(samples, 'gen_ai_client_token_usage_sum', { gen_ai_operation_name: 'chat', gen_ai_token_type: 'input' })).toBe(14);
  });

  it('GENAI_METER_CARDINALITY_LIMIT folds extra series into otel_metric_overflow', async () => {
    const { samples } = await runProgrammatic({ GENAI_METER_CARDINALITY_LIMIT: '4', FEATURE_COUNT: '6' });
    const duration = select(samples, 'gen_ai_client_operation_duration_count');
    expect(duration).toHaveLength(4); // limit - 1 real series + the overflow series
    expect(select(samples, 'gen_ai_client_operation_duration_count', { otel_metric_overflow: 'true' })).toHaveLength(1);
    expect(total(samples, 'gen_ai_client_operation_duration_count')).toBe(1 + 1 + 6); // nothing is lost, only folded
  });
});
