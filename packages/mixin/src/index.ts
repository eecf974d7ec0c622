// @genai-meter/mixin: Prometheus recording rules, alert rules, scrape and Alertmanager configs (and
// later Grafana dashboards) generated from the metric definitions in @genai-meter/instrumentation-openai.
export { settings, validateSettings, rateWindow, REASONING_MODELS, type MixinSettings, type Severity, type BurnRate, type LatencyTargets } from './config.js';
export { loadBudgets, parseBudgets, budgetFor, BudgetsFileError, BUDGET_KINDS, DEFAULT_BUDGETS_PATH, type Budgets, type BudgetKind } from './budgets.js';
export { budgetRules, BUDGETS_GROUP } from './budget-rules.js';
export { sel, levels, GENAI_METER_SCOPE, SCOPE_LABEL, errorClass, type Matchers } from './promql.js';
export { increaseSinceLastEvaluation, sumOfSteps, stepRange } from './increments.js';
export { LATENCY_SLIS, SLI_LABEL, targetSelections } from './slo.js';
export type { AlertCategory, AlertDefinition, Inhibition, QueryEntry, RecordingRule, Template, TemplateRefs, ValueFormat } from './model.js';
export { PROM, L, promName, directScrapeName, directScrapeRelabelConfigs, labelName, seriesNames, unitSuffix, type RelabelConfig } from './promnames.js';
export { recordingRules, recordNames, errorRatioWindows, QUANTILES, GROUPS, type RecordNames } from './recording.js';
export { alertDefinitions, ALERT_GROUP } from './alerts.js';
export { runbookUrl, dashboardUrl, alertPanel } from './alert-links.js';
export { stackAlerts, COLLECTOR_EXPORTER_JOB, STACK_ALERT_GROUP } from './alerts-stack.js';
export {
  renderAlertRules,
  renderPrometheusConfig,
  renderRecordingRules,
  prometheusTemplateRefs,
  COMPOSE_TARGETS,
  type PrometheusConfigOptions,
} from './render-prometheus.js';
export { renderAlertmanagerConfig, DEFAULT_ALERTMANAGER_OPTIONS, inhibitionPairs, amMatcher, type AlertmanagerConfigOptions, type InhibitionPair } from './render-alertmanager.js';
export {
  notificationSettingsFromEnv,
  NotificationConfigError,
  NOTIFY_ENV,
  RECEIVER_KINDS,
  RECEIVER_ROUTES,
  SECRET_FILES,
  DEFAULT_SECRETS_DIR,
  type NotificationSettings,
  type NotifySource,
  type ReceiverKind,
  type ReceiverRoute,
} from './notifications/env.js';
export {
  notifyingRoutes,
  sameTimers,
  stagingMatcher,
  DEFAULT_ROUTE_TIMERS,
  ROUTE_NAMES,
  WATCHDOG_ALERT,
  BLACKHOLE,
  GRAFANA_FOLDER_LABEL,
  type Matcher,
  type MatchOp,
  type RouteName,
  type RouteTimers,
  type RoutingTree,
} from './notifications/routing.js';
export { EXAMPLE_NOTIFY_ENV } from './notifications/example.js';
export { renderRunbook } from './render-runbook.js';
export { renderRuleTests, ruleTestFiles, refRate, refIncrease, refQuantile, type PromtoolTestGroup, type RuleTestFile } from './rule-tests.js';
export { sawToothGroup } from './rule-tests-field.js';
export { generateFiles, PATHS, dashboardPath } from './files.js';
export {
  substituteVariables,
  filterMatchers,
  VARS,
  FILTER_LABELS,
  FILTER_VARS,
  ALL_VALUE,
  DEFAULT_ENVIRONMENT,
  ATTR_GENAI_METER_FEATURE,
  FEATURE_LABEL,
  type SubstitutionValues,
  type FilterVar,
} from './grafana/variables.js';
export { renderDashboard, dashboardQueries, unappliedFilters, variableSelectors, DATASOURCE_REF, type DashboardSpec, type Panel, type AlertList, type Target, type Unit } from './grafana/builder.js';
export type { GrafanaDashboard, GrafanaPanel, PrometheusQuery, AsJson } from './grafana/schema.js';
export { dashboards, overviewDashboard, costDashboard, reliabilityDashboard, modelDashboard, DASHBOARD_UIDS } from './grafana/dashboards.js';

export {
  grafanaAlertRuleGroups,
  grafanaAlertRule,
  grafanaAlertQueries,
  grafanaAlertQueryEntries,
  grafanaRuleUid,
  grafanaTemplateRefs,
  DATASOURCE_UID,
  FOLDER_TITLE,
  type GrafanaAlertQuery,
} from './grafana/alerting.js';
export {
  provisioningFiles,
  escapeForProvisioning,
  datasourceProvisioning,
  minimumInterval,
  dashboardProvisioning,
  notificationProvisioningFiles,
  env,
  EnvRef,
  file,
  FileRef,
  PROVISIONING_ENV,
  PROVISIONING_PATHS,
  GRAFANA_DASHBOARDS_PATH,
  COMPOSE_DATASOURCE,
  type DatasourceOptions,
} from './grafana/provisioning.js';
export {
  contactPointProvisioning,
  policyProvisioning,
  contactPointName,
  ALERTMANAGER_CONTACT_POINT,
  GRAFANA_TYPES,
  FEISHU_PAYLOAD,
  type GrafanaIntegration,
} from './grafana/notifications.js';
export { allQueries } from './queries.js';
