// Every PromQL expression the mixin ships, so an end-to-end test can run each one against a
// Prometheus fed by real traffic. Dashboard panel queries join this list when dashboards land.
import { alertDefinitions } from './alerts.js';
import { settings as defaultSettings, type MixinSettings } from './config.js';
import type { QueryEntry } from './model.js';
import { recordingRules } from './recording.js';

export function allQueries(settings: MixinSettings = defaultSettings): QueryEntry[] {
  const recording = recordingRules(settings).map(
    (r): QueryEntry => ({ kind: 'recording', name: r.labels ? `${r.record}${JSON.stringify(r.labels)}` : r.record, expr: r.expr }),
  );
  const alerts = alertDefinitions(settings).map((a): QueryEntry => ({ kind: 'alert', name: a.name, expr: a.expr }));
  return [...recording, ...alerts];
}
