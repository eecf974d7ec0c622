// Message templates both notifiers share: Alertmanager's and Grafana's template languages are the
// same Go templates over the same data (.Status, .CommonLabels, .Alerts with their annotations).

/** `[FIRING] GenAIServerErrors checkout`: status, alert and service, the line a chat preview shows. */
export const TITLE = '[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} {{ .CommonLabels.service_name }}';
/** Each alert's summary, description, runbook and dashboard links. */
export const TEXT =
  '{{ range .Alerts }}{{ .Annotations.summary }}\n{{ .Annotations.description }}\nRunbook: {{ .Annotations.runbook_url }}\n' +
  '{{ with .Annotations.dashboard_url }}Dashboard: {{ . }}\n{{ end }}{{ end }}';
/** PagerDuty event severity from the alert's: only pages are critical. */
export const PAGERDUTY_SEVERITY = '{{ if eq .CommonLabels.severity "page" }}critical{{ else if eq .CommonLabels.severity "ticket" }}warning{{ else }}info{{ end }}';
