// Every PromQL expression the mixin ships, so an end-to-end test can run each one against a
// Prometheus fed by real traffic: recording rules, Prometheus alert rules, dashboard panel targets
// (with Grafana variables; expand them with substituteVariables) and Grafana-managed alert queries.
import { alertDefinitions } from './alerts.js';
import { settings as defaultSettings, type MixinSettings } from './config.js';
import { grafanaAlertQueryEntries } from './grafana/alerting.js';
import { dashboardQueries } from './grafana/builder.js';
import { dashboards } from './grafana/dashboards.js';
import type { QueryEntry } from './model.js';
import { budgetRules } from './budget-rules.js';
import { recordingRules } from './recording.js';

export function allQueries(settings: MixinSettings = defaultSettings): QueryEntry[] {
  const recording = [...recordingRules(settings), ...budgetRules(settings)].map(
    (r): QueryEntry => ({ kind: 'recording', name: r.labels ? `${r.record}${JSON.stringify(r.labels)}` : r.record, expr: r.expr }),
  );
  const alertDefs = alertDefinitions(settings);
  const alerts = alertDefs.map((a): QueryEntry => ({ kind: 'alert', name: a.name, expr: a.expr }));
  const panels = dashboards(settings).flatMap(dashboardQueries);
  return [...recording, ...alerts, ...panels, ...grafanaAlertQueryEntries(alertDefs)];
}
