// Reading the end-to-end Prometheus and Alertmanager through their HTTP APIs.
import { promQuery, type VectorResult } from '../support/prometheus.js';
import { httpGet } from '../support/tools.js';

/** `sum by (labels) (expr)` as a map `v1|v2|...` -> value (a missing label is ''). */
export async function sumBy(promUrl: string, labels: readonly string[], expr: string): Promise<Map<string, number>> {
  const rows = await promQuery(promUrl, `sum by (${labels.join(', ')}) (${expr})`);
  return new Map(rows.map((r) => [labels.map((l) => r.metric[l] ?? '').join('|'), r.value]));
}

/** A map as a sorted plain object, for readable toEqual diffs. */
export function sorted(m: ReadonlyMap<string, number>): Record<string, number> {
  return Object.fromEntries([...m].sort(([a], [b]) => a.localeCompare(b)));
}

export interface AlertRow {
  alertname: string;
  alertstate: string;
  labels: Record<string, string>;
}

/** Current ALERTS series (pending and firing). */
export async function alerts(promUrl: string): Promise<AlertRow[]> {
  const rows: VectorResult[] = await promQuery(promUrl, 'ALERTS');
  return rows.map((r) => ({ alertname: r.metric.alertname ?? '', alertstate: r.metric.alertstate ?? '', labels: r.metric }));
}

export interface AmAlert {
  labels: Record<string, string>;
  status: { state: 'active' | 'suppressed' | 'unprocessed'; inhibitedBy: string[]; silencedBy: string[] };
  receivers: { name: string }[];
  fingerprint: string;
}

/** Alertmanager's view (`/api/v2/alerts`), including suppressed ones. */
export async function amAlerts(amUrl: string): Promise<AmAlert[]> {
  const { status, body } = await httpGet(`${amUrl}/api/v2/alerts`);
  if (status !== 200) throw new Error(`alertmanager /api/v2/alerts answered ${status}: ${body}`);
  return JSON.parse(body) as AmAlert[];
}

export interface QueryOutcome {
  resultType: string;
  series: number;
  error?: string;
  labels: Record<string, string>[];
  /** Instant values of a vector result, parallel to `labels` (NaN for matrix rows). */
  values: number[];
}

/** Any instant query (vector, scalar, matrix); never throws for a PromQL error, reports it. */
export async function runQuery(promUrl: string, expr: string): Promise<QueryOutcome> {
  const { status, body } = await httpGet(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const parsed = JSON.parse(body) as {
    status: string;
    error?: string;
    data?: { resultType: string; result: unknown };
  };
  if (status !== 200 || parsed.status !== 'success' || !parsed.data) {
    return { resultType: 'error', series: 0, error: parsed.error ?? `HTTP ${status}`, labels: [], values: [] };
  }
  const { resultType, result } = parsed.data;
  if (resultType === 'vector' || resultType === 'matrix') {
    const rows = result as { metric: Record<string, string>; value?: [number, string] }[];
    return { resultType, series: rows.length, labels: rows.map((r) => r.metric), values: rows.map((r) => (r.value ? Number(r.value[1]) : NaN)) };
  }
  const scalar = result as [number, string];
  return { resultType, series: 1, labels: [{}], values: [Number(scalar[1])] };
}
