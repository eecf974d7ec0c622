// The monitoring stack watching itself: a dead man's switch, Prometheus failing or skipping rule
// evaluations, and the OpenTelemetry Collector down, dropping data or filling its queue. These alerts
// are about the stack, not a service: they carry no service or environment label.
import type { MixinSettings } from './config.js';
import { increaseSince } from './increments.js';
import type { AlertDefinition } from './model.js';
import { escapeRegex, sel, sumBy } from './promql.js';

export const STACK_ALERT_GROUP = 'genai-meter.stack';
/** The always-firing alert whose delivery a dead man's switch expects (the routes send it to the heartbeat). */
export const WATCHDOG_ALERT = 'GenAIMeterWatchdog';
/** Prometheus' job scraping the collector's Prometheus exporter (the services' metrics). */
export const COLLECTOR_EXPORTER_JOB = 'otel-collector';

/** Prometheus' rule_group label is `<file>;<group>`: every genai-meter group. */
const GENAI_RULE_GROUPS = `=~.*;${escapeRegex('genai-meter.')}.*`;

/**
 * Collector counters of metric points that did not make it: refused by a receiver (memory_limiter),
 * failed to send after the exporter's retries, or dropped because the exporter queue was full. The
 * names carry `_total` or not depending on the collector's telemetry settings.
 */
export const COLLECTOR_DROP_COUNTERS = ['receiver_refused', 'processor_memory_limiter_refused', 'exporter_send_failed', 'exporter_enqueue_failed', 'processor_refused', 'processor_dropped'] as const;

export function stackAlerts(s: MixinSettings): AlertDefinition[] {
  const st = s.stack;
  const group = STACK_ALERT_GROUP;
  const prometheusSelf = (metric: string) => sel(metric, { job: st.prometheusJob, rule_group: GENAI_RULE_GROUPS });
  const collectorJobs = `=~${escapeRegex(COLLECTOR_EXPORTER_JOB)}|${escapeRegex(st.collectorJob)}`;
  // Counted per counter (their label sets can coincide once the names are dropped), then summed.
  const drops = COLLECTOR_DROP_COUNTERS.map((c) => {
    const counter = sel('', { __name__: `=~otelcol_${c}_metric_points(_total)?`, job: st.collectorJob });
    return `label_replace(${sumBy(['job', 'instance'], increaseSince(counter, st.collectorDrops.window, s.counterGapTolerance))}, "counter", "${c}", "job", ".*")`;
  });
  return [
    {
      name: WATCHDOG_ALERT,
      group,
      severity: 'info',
      category: 'heartbeat',
      for: '0m',
      expr: 'vector(1)',
      instanceLabels: [],
      summary: () => 'The genai-meter alerting path is alive',
      description: () => 'Always firing. A dead man\'s switch that stops receiving it knows that Prometheus, its rules or Alertmanager are down.',
      runbook: {
        meaning: "Always firing, by design: the routes send it to the heartbeat receiver (a dead man's switch such as healthchecks.io, Opsgenie heartbeats, PagerDuty's dead man's snitch), never to a person. When its notifications stop, the switch alerts: Prometheus, the rule evaluation or Alertmanager is down, and no other alert could reach you.",
        check: ['If the switch fired: Prometheus `up`, its logs, Alertmanager `/-/healthy`, the network between them and the switch.'],
        act: ['Restore Prometheus or Alertmanager; until then nothing about GenAI spend or errors reaches anyone.'],
      },
    },
    {
      name: 'GenAIMeterRuleEvaluationFailures',
      group,
      severity: st.ruleFailures.severity,
      category: 'telemetry',
      for: st.ruleFailures.for,
      expr: `${sumBy(['rule_group'], increaseSince(prometheusSelf('prometheus_rule_evaluation_failures_total'), '5m', s.counterGapTolerance))} > 0`,
      instanceLabels: ['rule_group'],
      summary: (t) => `Prometheus fails to evaluate the genai-meter rules of ${t.label('rule_group')}`,
      description: (t) => `${t.value('count')} evaluations of rules in ${t.label('rule_group')} failed in the last 5 minutes: the series they record are missing, and alerts built on them cannot fire.`,
      runbook: {
        meaning: 'Prometheus evaluated a genai-meter rule and got an error (a query that now fails: many-to-many matching after a label change, a query timeout, out of memory). Recorded spend and error series have gaps, and the alerts reading them are blind.',
        check: ['Prometheus Status > Rules: the rule with an error and its message.', '`prometheus_rule_evaluation_failures_total` by `rule_group`; the Prometheus log (`level=warn ... rule evaluation failed`).'],
        act: ['Fix the cause (a duplicate series with a new label: relabel it away; a timeout: more resources or fewer series), then check the exact spend series resumed.'],
      },
    },
    {
      name: 'GenAIMeterRuleEvaluationsMissed',
      group,
      severity: st.missedEvaluations.severity,
      category: 'telemetry',
      for: st.missedEvaluations.for,
      expr: `${sumBy(['rule_group'], increaseSince(prometheusSelf('prometheus_rule_group_iterations_missed_total'), '10m', s.counterGapTolerance))} > 0`,
      instanceLabels: ['rule_group'],
      summary: (t) => `Prometheus skips evaluations of the genai-meter rules of ${t.label('rule_group')}`,
      description: (t) => `${t.value('count')} evaluations of ${t.label('rule_group')} were skipped in the last 10 minutes because the previous one was still running.`,
      runbook: {
        meaning: `An evaluation of the group took longer than the evaluation interval (${s.evaluationInterval}), so Prometheus skipped the next one. The exact spend and call counts (\`*:increase${s.evaluationInterval}\`) add the growth since the previous evaluation at each step: a skipped step loses the growth of one interval, so spend is under-counted while this fires.`,
        check: ['`prometheus_rule_group_last_duration_seconds` of the group against its interval; the number of raw series the group reads (`count({__name__=~"gen_ai_.+"})`).'],
        act: [`Give Prometheus more CPU, shorten \`counterGapTolerance\` (${s.counterGapTolerance}: how far back each step reads), or lengthen the evaluation interval.`],
      },
    },
    {
      name: 'GenAIMeterCollectorDown',
      group,
      severity: st.collectorDown.severity,
      category: 'telemetry',
      for: st.collectorDown.for,
      expr: `${sel('up', { job: collectorJobs })} < 1`,
      threshold: { query: sel('up', { job: collectorJobs }), op: '<', value: 1 },
      instanceLabels: ['job', 'instance'],
      summary: (t) => `Prometheus cannot scrape the OpenTelemetry Collector at ${t.label('instance')}`,
      description: (t) => `The ${t.label('job')} target ${t.label('instance')} is down: the services that export through this collector are not seen.`,
      runbook: {
        meaning: `Prometheus' scrape of the collector (job \`${COLLECTOR_EXPORTER_JOB}\`: the services' metrics; job \`${st.collectorJob}\`: the collector's own) fails. Services exporting OTLP to it keep their cumulative totals and re-send them once it is back (nothing is lost if it returns within ${s.counterGapTolerance}), but until then their spend and errors are invisible (GenAITelemetryAbsent follows).`,
        check: ['Prometheus Status > Targets: the error message.', 'The collector process or pod, its logs and its health_check endpoint (:13133).'],
        act: ['Restart the collector; check its memory limit (memory_limiter) and the address it listens on (OTELCOL_PROMETHEUS_ENDPOINT, OTELCOL_TELEMETRY_HOST).'],
      },
    },
    {
      name: 'GenAIMeterCollectorDroppingData',
      group,
      severity: st.collectorDrops.severity,
      category: 'telemetry',
      for: st.collectorDrops.for,
      expr: `${sumBy(['job', 'instance'], drops.join(' or '))} > 0`,
      instanceLabels: ['job', 'instance'],
      summary: (t) => `The OpenTelemetry Collector at ${t.label('instance')} drops metric points`,
      description: (t) => `${t.value('count')} metric points were refused, failed to send or dropped by the collector in the last ${st.collectorDrops.window}.`,
      runbook: {
        meaning: 'The collector refuses data (memory_limiter: it is near its memory limit), fails to send it after retries (remote write target down or rejecting), or drops it because an exporter queue is full. With cumulative temporality a refused export is re-sent with the next one, so the Prometheus scrape path recovers; a remote-write target misses the points it never got.',
        check: [
          '`otelcol_receiver_refused_metric_points`, `otelcol_processor_memory_limiter_refused_metric_points`, `otelcol_exporter_send_failed_metric_points`, `otelcol_exporter_enqueue_failed_metric_points` by `receiver`/`exporter`.',
          "The collector's memory (`otelcol_process_memory_rss`) against its limit, and its log (exporter errors name the target).",
        ],
        act: ['Memory: raise the container limit or add collectors (gateway tier). Send failures: fix the remote-write target or its credentials. Queue full: see GenAIMeterCollectorQueueFilling.'],
      },
    },
    {
      name: 'GenAIMeterCollectorQueueFilling',
      group,
      severity: st.collectorQueue.severity,
      category: 'telemetry',
      for: st.collectorQueue.for,
      expr: `max by (job, instance, exporter) (${sel('otelcol_exporter_queue_size', { job: st.collectorJob })} / ${sel('otelcol_exporter_queue_capacity', { job: st.collectorJob })}) > ${st.collectorQueue.maxFill}`,
      instanceLabels: ['job', 'instance', 'exporter'],
      summary: (t) => `The ${t.label('exporter')} queue of the collector at ${t.label('instance')} is filling up`,
      description: (t) => `The ${t.label('exporter')} sending queue is ${t.value('percent')} full (threshold ${Number((st.collectorQueue.maxFill * 100).toPrecision(6))}%): once full, new data is dropped.`,
      runbook: {
        meaning: 'The exporter cannot send as fast as data arrives (the remote-write target is slow, down or throttling), so batches wait in its queue. When the queue is full the collector drops new batches (GenAIMeterCollectorDroppingData).',
        check: ['`otelcol_exporter_send_failed_metric_points` and the collector log for the exporter; the target\'s health and ingestion limits.'],
        act: ['Fix or scale the target; raise `remote_write_queue.num_consumers` or `queue_size` in the collector config if the target is healthy but slow.'],
      },
    },
  ];
}
