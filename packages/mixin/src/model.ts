// Renderer-neutral shapes of recording rules and alerts. The Prometheus renderer turns them into
// rule files; a Grafana renderer can turn the same definitions into Grafana-managed alert rules,
// which is why templates are functions of `TemplateRefs` rather than Prometheus template strings.
import type { Severity } from './config.js';

export interface RecordingRule {
  /** `level:metric:operations`. */
  readonly record: string;
  readonly expr: string;
  /** Static labels added to the recorded series. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Rule group it is evaluated in. */
  readonly group: string;
  /** One line on what the series is for (rendered as a comment and in the README). */
  readonly help: string;
}

/** How an alert's value is printed in its annotations. */
export type ValueFormat =
  | 'count' // whole number
  | 'perMinute' // 2 decimals
  | 'percent' // ratio 0..1 shown as a percentage
  | 'seconds' // 2 decimals + "s"
  | 'usd' // "$" + 2 decimals
  | 'tokensPerSecond'; // whole number

/** What an annotation template may refer to; each renderer supplies its own syntax. */
export interface TemplateRefs {
  label(name: string): string;
  value(format: ValueFormat): string;
}

export type Template = (t: TemplateRefs) => string;

/**
 * What an alert is about. `billing`: quota or balance exhausted; `telemetry`: the metrics path and the
 * monitoring stack itself; `heartbeat`: the always-firing dead man's switch.
 */
export type AlertCategory = 'rate_limit' | 'errors' | 'billing' | 'latency' | 'spend' | 'tokens' | 'telemetry' | 'heartbeat';

/** An alert that another one silences while it fires, and why (rendered into the runbook). */
export interface Inhibition {
  readonly alert: string;
  readonly reason: string;
}

export interface AlertDefinition {
  /** Alert name, also the runbook section title and anchor (lower-cased). */
  readonly name: string;
  readonly group: string;
  readonly severity: Severity;
  /** What the alert is about; a label on the alert, for dashboards and routing by topic. */
  readonly category: AlertCategory;
  /**
   * Alerts this one silences while it fires (Alertmanager inhibit_rules), matched on the labels both
   * alerts carry (their common `instanceLabels`). Explicit pairs, not a whole category: a 5xx page must
   * not hide a timeouts ticket. Rendered only while this alert is a page and the target is not.
   */
  readonly inhibits?: readonly Inhibition[];
  readonly for: string;
  /** Full PromQL condition: returns a series per firing alert instance. */
  readonly expr: string;
  /**
   * The same condition split for renderers that evaluate a query and a threshold separately
   * (Grafana). Absent when the condition is compound (burn rates, baselines, `unless`).
   */
  readonly threshold?: { readonly query: string; readonly op: '>' | '<'; readonly value: number };
  /** Labels that identify one alert instance (the `by` of the expression). */
  readonly instanceLabels: readonly string[];
  readonly summary: Template;
  readonly description: Template;
  readonly runbook: {
    readonly meaning: string;
    readonly check: readonly string[];
    readonly act: readonly string[];
  };
}

/** Every PromQL expression the mixin ships, for end-to-end tests that run them on real data. */
export interface QueryEntry {
  readonly kind: 'recording' | 'alert' | 'panel';
  /**
   * Record name; alert name (Prometheus rule) or `grafana / <alert> [refId]` (Grafana-managed rule);
   * `<dashboard> / <panel title> [refId]` for a panel target.
   */
  readonly name: string;
  /** PromQL; panel queries still contain Grafana variables (expand with `substituteVariables`). */
  readonly expr: string;
  /**
   * What the query must return on the end-to-end traffic (chat, streaming, embeddings, responses over
   * several models with injected 429s, 5xx, timeouts, connection resets, cut streams, one unpriced
   * model, one call over $0.50): at least one series (`data: true`) carrying these label values.
   * Undefined for queries that legitimately return nothing on a short run (3-day burn rates,
   * week-over-week baselines, alerts that only exist while firing).
   */
  readonly expect?: { readonly data: boolean; readonly labels?: Readonly<Record<string, string>> };
}
