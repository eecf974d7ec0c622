import { METRICS } from '@genai-meter/instrumentation-openai/semconv';
import { describe, expect, it } from 'vitest';
import { allQueries, directScrapeName, directScrapeRelabelConfigs, FEATURE_LABEL, L, PROM, promName, unitSuffix } from '../src/index.js';

describe('canonical Prometheus names', () => {
  it('follow otlptranslator: unit suffix, _total on counters, braces dropped', () => {
    expect(PROM).toEqual({
      duration: 'gen_ai_client_operation_duration_seconds',
      tokenUsage: 'gen_ai_client_token_usage',
      timeToFirstChunk: 'gen_ai_client_operation_time_to_first_chunk_seconds',
      timePerOutputChunk: 'gen_ai_client_operation_time_per_output_chunk_seconds',
      cost: 'gen_ai_usage_cost_USD',
      activeRequests: 'genai_meter_client_active_requests',
      retries: 'genai_meter_client_retries_total',
      rateLimitRemaining: 'genai_meter_client_rate_limit_remaining',
      rateLimitLimit: 'genai_meter_client_rate_limit_limit',
      tokenDetails: 'genai_meter_client_token_details_total',
      unpricedCalls: 'genai_meter_client_unpriced_calls_total',
    });
  });

  it('map units as the collector does', () => {
    expect([unitSuffix('s'), unitSuffix('ms'), unitSuffix('USD'), unitSuffix('{token}'), unitSuffix('1'), unitSuffix('By/s')]).toEqual([
      'seconds',
      'milliseconds',
      'USD',
      '',
      '',
      'bytes_per_second',
    ]);
    expect(promName({ name: 'x.y', kind: 'counter', unit: 's', description: '', semconv: false })).toBe('x_y_seconds_total');
    expect(promName({ name: 'x.duration_seconds', kind: 'histogram', unit: 's', description: '', semconv: false })).toBe('x_duration_seconds');
  });

  it('direct-scrape names drop the unit suffix, as exporter-prometheus does', () => {
    expect(directScrapeName(METRICS.duration)).toBe('gen_ai_client_operation_duration');
    expect(directScrapeName(METRICS.cost)).toBe('gen_ai_usage_cost');
    expect(directScrapeName(METRICS.retries)).toBe('genai_meter_client_retries_total');
  });

  it('labels replace dots with underscores', () => {
    expect(L).toMatchObject({
      service: 'service_name',
      environment: 'deployment_environment_name',
      provider: 'gen_ai_provider_name',
      requestModel: 'gen_ai_request_model',
      responseModel: 'gen_ai_response_model',
      operation: 'gen_ai_operation_name',
      tokenType: 'gen_ai_token_type',
      errorType: 'error_type',
      serverAddress: 'server_address',
      httpStatus: 'http_response_status_code',
      tokenDetail: 'genai_meter_token_detail',
      rateLimitType: 'genai_meter_rate_limit_type',
    });
  });
});

describe('direct-scrape relabelling', () => {
  // Applies relabel rules the way Prometheus does (anchored regex, $1 expansion) to check the mapping table.
  const apply = (labels: Record<string, string>) => {
    const out = { ...labels };
    for (const r of directScrapeRelabelConfigs()) {
      const value = r.source_labels.map((l) => out[l] ?? '').join(';');
      const m = new RegExp(`^(?:${r.regex})$`).exec(value);
      if (m) out[r.target_label] = r.replacement.replace(/\$(\d)/g, (_, i: string) => m[Number(i)] ?? '');
    }
    return out;
  };

  it('renames every histogram series with a unit to its canonical name and leaves canonical names alone', () => {
    expect(apply({ __name__: 'gen_ai_client_operation_duration_bucket', job: 'demo-app', service_name: 'chat' }).__name__).toBe(
      'gen_ai_client_operation_duration_seconds_bucket',
    );
    expect(apply({ __name__: 'gen_ai_usage_cost_sum', job: 'demo-app', service_name: 'chat' }).__name__).toBe('gen_ai_usage_cost_USD_sum');
    expect(apply({ __name__: 'gen_ai_client_operation_duration_seconds_count', job: 'x', service_name: 'chat' }).__name__).toBe(
      'gen_ai_client_operation_duration_seconds_count',
    );
    expect(apply({ __name__: 'gen_ai_client_token_usage_bucket', job: 'x', service_name: 'chat' }).__name__).toBe('gen_ai_client_token_usage_bucket');
  });

  it('fills service_name from the job only when the app did not set it', () => {
    expect(apply({ __name__: 'genai_meter_client_retries_total', job: 'demo-app' }).service_name).toBe('demo-app');
    expect(apply({ __name__: 'genai_meter_client_retries_total', job: 'demo-app', service_name: 'chat' }).service_name).toBe('chat');
  });
});

describe('allQueries', () => {
  it('lists every recording, alert and panel expression, each referencing only canonical metric, label or recorded names', () => {
    const q = allQueries();
    expect(q.filter((e) => e.kind === 'alert').map((e) => e.name)).toContain('GenAIErrorBudgetBurnFast');
    expect(q.filter((e) => e.kind === 'alert').map((e) => e.name)).toContain('grafana / GenAIErrorBudgetBurnFast [A]');
    expect(q.filter((e) => e.kind === 'panel').map((e) => e.name)).toContain('GenAI / Reliability / Rate limited (429) [A]');
    const names = new Set(q.flatMap((e) => e.expr.match(/\b(gen_ai_|genai_meter_)[a-zA-Z0-9_]+/g) ?? []));
    const known = new Set(
      [...Object.values(PROM).flatMap((n) => [n, `${n}_bucket`, `${n}_sum`, `${n}_count`]), ...Object.values(L), FEATURE_LABEL],
    );
    // Names inside recorded series (level:metric:op) are not raw metrics; check only the raw ones.
    const raw = [...names].filter((n) => !q.some((e) => e.kind === 'recording' && e.name.includes(`:${n}:`)));
    expect(raw.filter((n) => !known.has(n))).toEqual([]);
  });
});
