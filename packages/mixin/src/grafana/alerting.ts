// Grafana-managed alert rules from the same AlertDefinition list as the Prometheus alert rules: one
// source, two outputs. A definition with a `threshold` becomes query A -> reduce B (last) -> threshold C;
// a compound condition (burn rates, baselines, `unless`) is evaluated as a whole in A and C fires when
// B > 0 (those expressions only return series, all positive, while the condition holds).
import { ERROR_TYPE_CLASSES } from '@genai-meter/instrumentation-openai/semconv';
import type { MixinSettings } from '../config.js';
import type { AlertCategory, AlertDefinition, QueryEntry, TemplateRefs, ValueFormat } from '../model.js';
import { L } from '../promnames.js';
import { alertPanel, dashboardUrl, runbookUrl, templateLabelParam } from '../alert-links.js';

/** The provisioned Prometheus datasource's pinned uid (grafana/provisioning/datasources). */
export const DATASOURCE_UID = 'genai-meter-prometheus';
/** Folder of the dashboards and the alert rules. */
export const FOLDER_TITLE = 'genai-meter';
export const ALERT_GROUP = 'genai-meter';
export const EXPR_DATASOURCE = { type: '__expr__', uid: '__expr__' } as const;

const REDUCED = 'B';
const VALUE = `$values.${REDUCED}.Value`;

const VALUE_TEMPLATES: Record<ValueFormat, string> = {
  count: `{{ printf "%.0f" ${VALUE} }}`,
  perMinute: `{{ printf "%.2f" ${VALUE} }}`,
  percent: `{{ humanizePercentage ${VALUE} }}`,
  seconds: `{{ printf "%.2f" ${VALUE} }}s`,
  usd: `\${{ printf "%.2f" ${VALUE} }}`,
  tokensPerSecond: `{{ printf "%.0f" ${VALUE} }}`,
};

/** Grafana alert-template syntax: the reduced value of B, labels as in Prometheus templates. */
export const grafanaTemplateRefs: TemplateRefs = {
  label: (name) => `{{ $labels.${name} }}`,
  value: (format) => VALUE_TEMPLATES[format],
};

/** `GenAIProjectedMonthlySpendOverBudget` -> `gm-projected-monthly-spend-over-budget` (uids are at most 40 chars). */
export function grafanaRuleUid(alertName: string): string {
  const kebab = alertName
    .replace(/^GenAI/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
  const uid = `gm-${kebab}`;
  if (uid.length > 40) throw new Error(`Grafana rule uid ${uid} is longer than 40 characters`);
  return uid;
}

export interface GrafanaAlertQuery {
  readonly alert: AlertDefinition;
  /** The PromQL evaluated in data[A]. */
  readonly expr: string;
  readonly op: '>' | '<';
  readonly value: number;
}

/** What data[A] evaluates and what C compares, for each alert. */
export function grafanaAlertQueries(alerts: readonly AlertDefinition[]): GrafanaAlertQuery[] {
  return alerts.map((a) => (a.threshold ? { alert: a, expr: a.threshold.query, op: a.threshold.op, value: a.threshold.value } : { alert: a, expr: a.expr, op: '>', value: 0 }));
}

/** One Grafana alert rule in the provisioning file format (apiVersion 1), before `$` escaping. */
export function grafanaAlertRule(settings: MixinSettings, q: GrafanaAlertQuery): Record<string, unknown> {
  const a = q.alert;
  const panel = alertPanel(settings, a);
  return {
    uid: grafanaRuleUid(a.name),
    title: a.name,
    condition: 'C',
    data: [
      {
        refId: 'A',
        relativeTimeRange: { from: 600, to: 0 },
        datasourceUid: DATASOURCE_UID,
        model: { refId: 'A', datasource: { type: 'prometheus', uid: DATASOURCE_UID }, expr: q.expr, instant: true, range: false, intervalMs: 60000, maxDataPoints: 43200 },
      },
      {
        refId: REDUCED,
        datasourceUid: EXPR_DATASOURCE.uid,
        model: { refId: REDUCED, datasource: EXPR_DATASOURCE, type: 'reduce', expression: 'A', reducer: 'last' },
      },
      {
        refId: 'C',
        datasourceUid: EXPR_DATASOURCE.uid,
        model: {
          refId: 'C',
          datasource: EXPR_DATASOURCE,
          type: 'threshold',
          expression: REDUCED,
          conditions: [{ evaluator: { type: q.op === '>' ? 'gt' : 'lt', params: [q.value] } }],
        },
      },
    ],
    // The queries return nothing when all is well (no 429 series, no firing burn rate): that is OK, not an alert.
    noDataState: 'OK',
    execErrState: 'Error',
    for: a.for,
    labels: { severity: a.severity, category: a.category },
    annotations: {
      summary: a.summary(grafanaTemplateRefs),
      description: a.description(grafanaTemplateRefs),
      runbook_url: runbookUrl(settings, a.name),
      dashboard_url: dashboardUrl(settings, a, templateLabelParam),
      // Grafana's link from the rule to the panel to look at (both annotations are needed).
      __dashboardUid__: panel.dashboardUid,
      __panelId__: String(panel.panelId),
    },
    isPaused: false,
  };
}

export function grafanaAlertRuleGroups(settings: MixinSettings, alerts: readonly AlertDefinition[]): Record<string, unknown> {
  return {
    apiVersion: 1,
    groups: [
      {
        orgId: 1,
        name: ALERT_GROUP,
        folder: FOLDER_TITLE,
        interval: settings.evaluationInterval,
        rules: grafanaAlertQueries(alerts).map((q) => grafanaAlertRule(settings, q)),
      },
    ],
  };
}

/**
 * Expectations of the Grafana-managed alert queries on the end-to-end traffic: threshold queries of
 * provider-path and quota errors (the faults the traffic injects) return those series; client errors
 * are not injected, so their queries may be empty; counts of calls exist whenever there were calls.
 * Compound conditions only return series while firing: no expectation.
 */
function expectationOf(q: GrafanaAlertQuery): QueryEntry['expect'] {
  if (!q.alert.threshold) return undefined;
  const errorType = new RegExp(`${L.errorType}=~?"([^"]+)"`).exec(q.expr)?.[1];
  if (errorType === undefined) return { data: true };
  const injected: readonly string[] = [...ERROR_TYPE_CLASSES.provider, ...ERROR_TYPE_CLASSES.billing];
  return injected.includes(errorType) ? { data: true, labels: { [L.errorType]: errorType } } : undefined;
}

export function grafanaAlertQueryEntries(alerts: readonly AlertDefinition[]): QueryEntry[] {
  return grafanaAlertQueries(alerts).map((q) => {
    const expect = expectationOf(q);
    return { kind: 'alert', name: `grafana / ${q.alert.name} [A]`, expr: q.expr, ...(expect ? { expect } : {}) };
  });
}
