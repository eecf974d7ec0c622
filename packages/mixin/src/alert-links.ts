// The links every alert carries, whichever engine evaluates it: its runbook section, and the dashboard panel
// where it is investigated, opened on the alert's own environment, service, provider, operation and model.
import type { MixinSettings } from './config.js';
import type { AlertCategory, AlertDefinition } from './model.js';
import { renderDashboard } from './grafana/builder.js';
import { DASHBOARD_UIDS, dashboards, expensiveCallsTitle } from './grafana/dashboards.js';
import { FILTER_LABELS, type FilterVar } from './grafana/variables.js';

export function runbookUrl(settings: MixinSettings, alertName: string): string {
  return `${settings.runbookBaseUrl}#${alertName.toLowerCase()}`;
}

type DashboardKey = keyof typeof DASHBOARD_UIDS;
interface PanelRef {
  readonly dashboard: DashboardKey;
  readonly title: string;
}

/** The panel where an alert of each category is investigated; more specific alerts by name below. */
const PANEL_BY_CATEGORY: Partial<Record<AlertCategory, PanelRef>> = {
  rate_limit: { dashboard: 'reliability', title: 'Failed calls per minute by error.type' },
  errors: { dashboard: 'reliability', title: 'Failed calls per minute by error.type' },
  billing: { dashboard: 'reliability', title: 'Quota exhausted' },
  latency: { dashboard: 'reliability', title: 'Calls over their latency target by model' },
  spend: { dashboard: 'cost', title: 'Spend per hour by service' },
  tokens: { dashboard: 'overview', title: 'Tokens per second: input, cached, output, reasoning' },
  telemetry: { dashboard: 'overview', title: 'Requests per minute' },
};
const panelsByName = (settings: MixinSettings): readonly (readonly [RegExp, PanelRef])[] => [
  [/ErrorBudgetBurn/, { dashboard: 'reliability', title: 'Error budget burn rate' }],
  [/DailySpend/, { dashboard: 'cost', title: 'Today: spend, forecast and budget by service' }],
  [/MonthlySpend/, { dashboard: 'cost', title: 'This month: to date, forecast and budget by service' }],
  [/ExpensiveCalls/, { dashboard: 'cost', title: expensiveCallsTitle(settings) }],
  [/Unpriced/, { dashboard: 'cost', title: 'Unpriced calls by model' }],
  // The monitoring stack's own alerts (rule evaluation, the collector) have no panel of their own.
  [/^GenAIMeter/, { dashboard: 'overview', title: 'Firing alerts' }],
];
/** Where an alert of a category this table does not know yet is shown. */
const FALLBACK_PANEL: PanelRef = { dashboard: 'overview', title: 'Firing alerts' };

/** Rendered dashboards per settings: rendering is the costly part, and every alert expectation asks. */
const renderedBySettings = new WeakMap<MixinSettings, Map<string, ReturnType<typeof renderDashboard>>>();

function rendered(settings: MixinSettings, key: DashboardKey): ReturnType<typeof renderDashboard> {
  let bySettings = renderedBySettings.get(settings);
  if (!bySettings) renderedBySettings.set(settings, (bySettings = new Map()));
  let dashboard = bySettings.get(key);
  if (!dashboard) bySettings.set(key, (dashboard = renderDashboard(dashboards(settings).find((d) => d.uid === DASHBOARD_UIDS[key])!)));
  return dashboard;
}

/**
 * The dashboard and panel an alert links to (`__dashboardUid__` / `__panelId__` on the Grafana rule):
 * Grafana shows the alert's state on that panel and puts the panel's link in its notifications.
 */
export function alertPanel(settings: MixinSettings, alert: AlertDefinition): { dashboardUid: string; panelId: number; title: string } {
  const ref = panelsByName(settings).find(([re]) => re.test(alert.name))?.[1] ?? PANEL_BY_CATEGORY[alert.category] ?? FALLBACK_PANEL;
  const dashboard = rendered(settings, ref.dashboard);
  const panel = dashboard.panels.find((p) => p.type !== 'row' && p.title === ref.title);
  if (!panel?.id) throw new Error(`alert ${alert.name}: no panel "${ref.title}" on ${dashboard.title}`);
  return { dashboardUid: dashboard.uid!, panelId: panel.id, title: `${dashboard.title} / ${ref.title}` };
}

/** The dashboard variables a link sets from the alert's labels (not feature: no alert groups by it). */
const LINK_VARS: readonly FilterVar[] = ['environment', 'service', 'provider', 'operation', 'model'];

/**
 * `&var-<name>=<value>` when the alert has `label`, else nothing: a Go template for the rules
 * (`templateLabelParam`), or the text itself when the labels are known (rule tests).
 */
export type LabelParam = (label: string, param: string) => string;

/** Prometheus and Grafana annotation templates (the same Go template functions: `with`, `urlquery`). */
export const templateLabelParam: LabelParam = (label, param) => `{{ with $labels.${label} }}&${param}={{ . | urlquery }}{{ end }}`;

/** Go's url.QueryEscape (text/template's `urlquery`), for expectations computed from known labels. */
export function goQueryEscape(value: string): string {
  return encodeURIComponent(value)
    .replace(/%20/g, '+')
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The `dashboard_url` annotation: the alert's panel alone (`viewPanel`), filtered by the alert's labels. */
export function dashboardUrl(settings: MixinSettings, alert: AlertDefinition, labelParam: LabelParam): string {
  const { dashboardUid, panelId } = alertPanel(settings, alert);
  const params = LINK_VARS.map((v) => labelParam(FILTER_LABELS[v], `var-${v}`)).join('');
  return `${settings.grafanaUrl.replace(/\/+$/, '')}/d/${dashboardUid}?viewPanel=panel-${panelId}${params}`;
}
