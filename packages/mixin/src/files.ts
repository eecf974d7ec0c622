// Every generated file, as repository-relative path -> content. The generator writes them; the
// stale-check test compares them with the committed copies.
import { alertDefinitions } from './alerts.js';
import { budgetRules } from './budget-rules.js';
import { settings as defaultSettings, validateSettings, type MixinSettings } from './config.js';
import { recordingRules } from './recording.js';
import { renderAlertmanagerConfig } from './render-alertmanager.js';
import { COMPOSE_TARGETS, renderAlertRules, renderPrometheusConfig, renderRecordingRules } from './render-prometheus.js';
import { renderRunbook } from './render-runbook.js';
import { renderRuleTests, ruleTestFiles } from './rule-tests.js';
import { renderDashboard } from './grafana/builder.js';
import { dashboards } from './grafana/dashboards.js';
import { provisioningFiles } from './grafana/provisioning.js';

export const PATHS = {
  recordingRules: 'prometheus/rules/genai-recording.rules.yml',
  budgetRules: 'prometheus/rules/genai-budgets.rules.yml',
  alertRules: 'prometheus/rules/genai-alerts.rules.yml',
  prometheusConfig: 'prometheus/prometheus.yml',
  ruleTests: 'prometheus/tests/genai-rules.test.yml',
  longRuleTests: 'prometheus/tests/genai-rules-long.test.yml',
  weekRuleTests: 'prometheus/tests/genai-rules-week.test.yml',
  alertmanagerConfig: 'alertmanager/alertmanager.yml',
  runbook: 'docs/runbook.md',
  dashboardsDir: 'grafana/dashboards',
} as const;

/** Path of a dashboard's JSON file. */
export const dashboardPath = (file: string): string => `${PATHS.dashboardsDir}/${file}.json`;

export function generateFiles(settings: MixinSettings = defaultSettings): Record<string, string> {
  validateSettings(settings);
  const recording = recordingRules(settings);
  const budgets = budgetRules(settings);
  const alerts = alertDefinitions(settings);
  const tests = ruleTestFiles(settings);
  const ruleFilesFromTests = [PATHS.recordingRules, PATHS.budgetRules, PATHS.alertRules].map((p) => `../${p.slice('prometheus/'.length)}`);
  const groupOrder = [...new Set([...recording, ...budgets, ...alerts].map((r) => r.group))];
  return {
    [PATHS.recordingRules]: renderRecordingRules(recording),
    [PATHS.budgetRules]: renderRecordingRules(budgets),
    [PATHS.alertRules]: renderAlertRules(settings, alerts),
    [PATHS.prometheusConfig]: renderPrometheusConfig(settings, COMPOSE_TARGETS),
    [PATHS.ruleTests]: renderRuleTests(tests.short, ruleFilesFromTests, groupOrder),
    [PATHS.longRuleTests]: renderRuleTests(tests.long, ruleFilesFromTests, groupOrder),
    [PATHS.weekRuleTests]: renderRuleTests(tests.week, ruleFilesFromTests, groupOrder),
    [PATHS.alertmanagerConfig]: renderAlertmanagerConfig(alerts),
    [PATHS.runbook]: renderRunbook(alerts),
    ...Object.fromEntries(dashboards(settings).map((d) => [dashboardPath(d.file), `${JSON.stringify(renderDashboard(d), null, 2)}\n`])),
    ...provisioningFiles(settings, alerts),
  };
}
