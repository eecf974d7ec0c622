// A small typed builder for the part of Grafana's dashboard JSON model genai-meter uses (time series,
// stat, bar gauge, heatmap, row). Why not @grafana/grafana-foundation-sdk: see the README. The types
// make the dashboard rules compile-time facts: every panel has a unit and a description, every
// query goes through `${datasource}`, and a filter variable can only be matched with `=~`.
import type { QueryEntry } from '../model.js';
import { PROM } from '../promnames.js';
import { ALL_VALUE, FILTER_LABELS, VARS, type FilterVar } from './variables.js';

/** Grafana unit ids used here; `suffix:` is Grafana's custom-unit syntax. */
export type Unit =
  | 'currencyUSD'
  | 's'
  | 'short'
  | 'none'
  | 'percentunit'
  | 'cpm' // counts per minute
  | 'reqps'
  | `suffix:${string}`;

export type Expectation = NonNullable<QueryEntry['expect']>;

export interface Target {
  readonly expr: string;
  /** Legend template, e.g. `{{gen_ai_request_model}}`. */
  readonly legend?: string;
  /** Instant query (stat, bar gauge) instead of a range query. */
  readonly instant?: boolean;
  /** `heatmap` turns cumulative `le` buckets into heatmap cells. */
  readonly format?: 'time_series' | 'heatmap' | 'table';
  /** What the end-to-end test requires of this query (see QueryEntry.expect). */
  readonly expect?: Expectation;
}

interface PanelBase {
  readonly title: string;
  /** What the panel shows and what to do about it. */
  readonly description: string;
  readonly unit: Unit;
  readonly targets: readonly Target[];
  /** Grid width (of 24) and height. */
  readonly w?: number;
  readonly h?: number;
  readonly decimals?: number;
  /** Green below the first step, then each color from its value up. */
  readonly thresholds?: readonly { readonly value: number; readonly color: 'yellow' | 'orange' | 'red' | 'green' }[];
  readonly min?: number;
  readonly max?: number;
  /** Panel-level relative time, e.g. `now/d` = today so far. */
  readonly timeFrom?: string;
  /** Shown instead of "No data" (e.g. `0` when absence means none happened). */
  readonly noValue?: string;
}

export interface TimeSeriesPanel extends PanelBase {
  readonly kind: 'timeseries';
  readonly stack?: boolean;
  readonly bars?: boolean;
}
export interface StatPanel extends PanelBase {
  readonly kind: 'stat';
}
export interface BarGaugePanel extends PanelBase {
  readonly kind: 'bargauge';
}
export interface HeatmapPanel extends PanelBase {
  readonly kind: 'heatmap';
}
export type Panel = TimeSeriesPanel | StatPanel | BarGaugePanel | HeatmapPanel;

export interface Row {
  readonly kind: 'row';
  readonly title: string;
}

export interface DashboardSpec {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  /** File name under grafana/dashboards/ (without .json). */
  readonly file: string;
  readonly items: readonly (Panel | Row)[];
  readonly time?: string;
}

export const DATASOURCE_REF = { type: 'prometheus', uid: `\${${VARS.datasource}}` } as const;

export const DASHBOARD_TAG = 'genai-meter';

const REF_IDS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function variables(): unknown[] {
  const metric = `${PROM.duration}_count`;
  // Each filter narrows the next one's values (chained), and every one of them is a regex.
  const chain: readonly FilterVar[] = ['service', 'environment', 'provider', 'model'];
  const labels: Record<FilterVar, string> = { service: 'Service', environment: 'Environment', provider: 'Provider', model: 'Model' };
  return [
    {
      type: 'datasource',
      name: VARS.datasource,
      label: 'Data source',
      query: 'prometheus',
      current: {},
      hide: 0,
      refresh: 1,
      regex: '',
      includeAll: false,
      multi: false,
      options: [],
      skipUrlSync: false,
    },
    ...chain.map((v, i) => {
      const before = chain.slice(0, i).map((p) => `${FILTER_LABELS[p]}=~"$${p}"`);
      const selector = before.length ? `${metric}{${before.join(', ')}}` : metric;
      const query = `label_values(${selector}, ${FILTER_LABELS[v]})`;
      return {
        type: 'query',
        name: v,
        label: labels[v],
        datasource: DATASOURCE_REF,
        query: { query, refId: `${v}-values` },
        definition: query,
        refresh: 2, // on time-range change: new services and models appear without a reload
        includeAll: true,
        multi: true,
        allValue: ALL_VALUE,
        current: { selected: true, text: ['All'], value: ['$__all'] },
        options: [],
        regex: '',
        sort: 1,
        hide: 0,
        skipUrlSync: false,
      };
    }),
  ];
}

function thresholdSteps(p: PanelBase): unknown {
  return {
    mode: 'absolute',
    steps: [{ color: 'green', value: null }, ...(p.thresholds ?? []).map((t) => ({ color: t.color, value: t.value }))],
  };
}

function fieldDefaults(p: Panel): Record<string, unknown> {
  const d: Record<string, unknown> = { unit: p.unit, thresholds: thresholdSteps(p), color: { mode: p.kind === 'timeseries' ? 'palette-classic' : 'thresholds' } };
  if (p.decimals !== undefined) d.decimals = p.decimals;
  if (p.noValue !== undefined) d.noValue = p.noValue;
  if (p.min !== undefined) d.min = p.min;
  if (p.max !== undefined) d.max = p.max;
  if (p.kind === 'timeseries') {
    d.custom = {
      drawStyle: p.bars ? 'bars' : 'line',
      lineWidth: 1,
      fillOpacity: p.stack ? 60 : 10,
      showPoints: 'never',
      spanNulls: false,
      stacking: { mode: p.stack ? 'normal' : 'none', group: 'A' },
      axisSoftMin: 0,
      thresholdsStyle: { mode: p.thresholds?.length ? 'line' : 'off' },
    };
  }
  return d;
}

function panelOptions(p: Panel): Record<string, unknown> {
  const reduceOptions = { calcs: ['lastNotNull'], fields: '', values: false };
  switch (p.kind) {
    case 'timeseries':
      return {
        legend: { showLegend: true, displayMode: 'table', placement: 'bottom', calcs: ['mean', 'max', 'lastNotNull'] },
        tooltip: { mode: 'multi', sort: 'desc' },
      };
    case 'stat':
      return { reduceOptions, colorMode: 'value', graphMode: 'area', justifyMode: 'auto', textMode: 'auto', orientation: 'auto' };
    case 'bargauge':
      return { reduceOptions, displayMode: 'gradient', orientation: 'horizontal', showUnfilled: true, valueMode: 'color', namePlacement: 'auto', sizing: 'auto' };
    case 'heatmap':
      return {
        calculate: false,
        yAxis: { axisPlacement: 'left', unit: p.unit, reverse: false },
        rowsFrame: { layout: 'le' },
        cellGap: 1,
        color: { mode: 'scheme', scheme: 'Oranges', fill: 'dark-orange', scale: 'exponential', exponent: 0.5, steps: 64, reverse: false },
        tooltip: { mode: 'single', yHistogram: true, showColorScale: false },
        legend: { show: true },
        exemplars: { color: 'rgba(255,0,255,0.7)' },
      };
  }
}

function target(t: Target, i: number): Record<string, unknown> {
  return {
    refId: REF_IDS[i],
    datasource: DATASOURCE_REF,
    editorMode: 'code',
    expr: t.expr,
    legendFormat: t.legend ?? '__auto',
    range: !t.instant,
    instant: Boolean(t.instant),
    format: t.format ?? 'time_series',
    ...(t.format === 'heatmap' ? { interval: '' } : {}),
  };
}

/** Grafana dashboard JSON (schemaVersion 39) for a spec; panels flow left to right, 24 columns wide. */
export function renderDashboard(spec: DashboardSpec): Record<string, unknown> {
  const panels: Record<string, unknown>[] = [];
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  let id = 1;
  for (const item of spec.items) {
    if (item.kind === 'row') {
      if (x > 0) y += rowHeight;
      panels.push({ type: 'row', id: id++, title: item.title, collapsed: false, gridPos: { h: 1, w: 24, x: 0, y }, panels: [] });
      y += 1;
      x = 0;
      rowHeight = 0;
      continue;
    }
    const w = item.w ?? 12;
    const h = item.h ?? 8;
    if (x + w > 24) {
      y += rowHeight;
      x = 0;
      rowHeight = 0;
    }
    panels.push({
      type: item.kind,
      id: id++,
      title: item.title,
      description: item.description,
      datasource: DATASOURCE_REF,
      gridPos: { h, w, x, y },
      ...(item.timeFrom ? { timeFrom: item.timeFrom, hideTimeOverride: false } : {}),
      fieldConfig: { defaults: fieldDefaults(item), overrides: [] },
      options: panelOptions(item),
      targets: item.targets.map(target),
    });
    x += w;
    rowHeight = Math.max(rowHeight, h);
  }
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: [DASHBOARD_TAG],
    timezone: 'browser',
    editable: true,
    graphTooltip: 1,
    schemaVersion: 39,
    version: 1,
    refresh: '30s',
    time: { from: spec.time ?? 'now-6h', to: 'now' },
    timepicker: {},
    fiscalYearStartMonth: 0,
    liveNow: false,
    weekStart: '',
    links: [{ type: 'dashboards', title: 'genai-meter', tags: [DASHBOARD_TAG], asDropdown: true, includeVars: true, keepTime: true, icon: 'external link', targetBlank: false, tooltip: '', url: '' }],
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    templating: { list: variables() },
    panels,
  };
}

/** Panel queries of a dashboard as QueryEntry, named `<dashboard> / <panel title> [refId]`. */
export function dashboardQueries(spec: DashboardSpec): QueryEntry[] {
  const out: QueryEntry[] = [];
  for (const item of spec.items) {
    if (item.kind === 'row') continue;
    item.targets.forEach((t, i) => {
      out.push({ kind: 'panel', name: `${spec.title} / ${item.title} [${REF_IDS[i]}]`, expr: t.expr, ...(t.expect ? { expect: t.expect } : {}) });
    });
  }
  return out;
}
