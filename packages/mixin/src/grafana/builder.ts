// Renders a dashboard spec (the panels of src/grafana/dashboards.ts) into Grafana's dashboard JSON
// model, typed with @grafana/schema (src/grafana/schema.ts) and built from the schema's own defaults
// and enums. What the spec types add on top are the project's rules: every panel has a unit and a
// description, every query goes through `${datasource}`, a filter variable can only be matched with
// `=~`, the layout is computed, and a panel that cannot apply a filter says so in its description.
import {
  AxisPlacement,
  BarGaugeDisplayMode,
  BarGaugeNamePlacement,
  BarGaugeSizing,
  BarGaugeValueMode,
  BigValueColorMode,
  BigValueGraphMode,
  DashboardCursorSync,
  defaultAnnotationQuery,
  defaultDashboard,
  defaultDashboardLink,
  defaultFieldConfig,
  defaultFieldConfigSource,
  defaultReduceDataOptions,
  defaultRowPanel,
  defaultVariableModel,
  defaultVizLegendOptions,
  FieldColorModeId,
  GraphDrawStyle,
  GraphThresholdsStyleMode,
  HeatmapCellLayout,
  LegendDisplayMode,
  SortOrder,
  StackingMode,
  ThresholdsMode,
  TooltipDisplayMode,
  VariableHide,
  VariableRefresh,
  VariableSort,
  VisibilityMode,
  VizOrientation,
  type DataSourceRef,
  type RowPanel,
  type ThresholdsConfig,
  type VariableModel,
} from '@grafana/schema';
import { defaultOptions as barGaugeDefaults } from '@grafana/schema/dist/esm/raw/composable/bargauge/panelcfg/x/BarGaugePanelCfg_types.gen.js';
import { defaultOptions as heatmapDefaults, HeatmapColorMode, HeatmapColorScale } from '@grafana/schema/dist/esm/raw/composable/heatmap/panelcfg/x/HeatmapPanelCfg_types.gen.js';
import { defaultOptions as statDefaults } from '@grafana/schema/dist/esm/raw/composable/stat/panelcfg/x/StatPanelCfg_types.gen.js';
import type { QueryEntry } from '../model.js';
import { PROM } from '../promnames.js';
import { select } from './queries.js';
import type { AlertListPanel, DataLink, GrafanaDashboard, GrafanaPanel, PluginFieldConfig, PrometheusQuery } from './schema.js';
import { ALL_VALUE, DEFAULT_ENVIRONMENT, FILTER_LABELS, FILTER_VARS, filterVarsIn, VARS, type FilterVar } from './variables.js';

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
  /** Data links on the values (a model or service to its drill-down). */
  readonly links?: readonly DataLink[];
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
/** Grafana's alert list: Grafana-managed and Prometheus alerts that fire, with a label filter. */
export interface AlertList {
  readonly kind: 'alertlist';
  readonly title: string;
  readonly description: string;
  /** Prometheus-style matchers on the alert instances' labels, e.g. `{category=~".+"}`. */
  readonly labelFilter: string;
  readonly w?: number;
  readonly h?: number;
}
export type Panel = TimeSeriesPanel | StatPanel | BarGaugePanel | HeatmapPanel;

export interface Row {
  readonly kind: 'row';
  readonly title: string;
  /** Repeat the row (and its panels) once per selected value of this variable. */
  readonly repeat?: FilterVar;
}

export interface DashboardSpec {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  /** File name under grafana/dashboards/ (without .json). */
  readonly file: string;
  readonly items: readonly (Panel | AlertList | Row)[];
  readonly time?: string;
}

export const DATASOURCE_REF = { type: 'prometheus', uid: `\${${VARS.datasource}}` } as const satisfies DataSourceRef;

export const DASHBOARD_TAG = 'genai-meter';

const REF_IDS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

const VARIABLE_LABELS: Record<FilterVar, string> = {
  environment: 'Environment',
  service: 'Service',
  provider: 'Provider',
  operation: 'Operation',
  model: 'Model',
  feature: 'Feature',
};

/** The schema's defaults completed by `own`; what the defaults leave out the schema check reports. */
function withDefaults<T>(defaults: Partial<T>, own: Partial<T>): T {
  return { ...defaults, ...own } as T;
}

/** The series selector each filter variable lists its values from, chained on the variables before it. */
export function variableSelectors(): { readonly name: FilterVar; readonly label: string; readonly selector: string }[] {
  // Each filter narrows the next one's values, always with =~, and only genai-meter's own series.
  return FILTER_VARS.map((v, i) => ({ name: v, label: FILTER_LABELS[v], selector: select(`${PROM.duration}_count`, FILTER_VARS.slice(0, i)) }));
}

function variables(): VariableModel[] {
  const datasource: VariableModel = {
    ...defaultVariableModel,
    type: 'datasource',
    name: VARS.datasource,
    label: 'Data source',
    query: 'prometheus',
    hide: VariableHide.dontHide,
    refresh: VariableRefresh.onDashboardLoad,
    regex: '',
  };
  return [
    datasource,
    ...variableSelectors().map(({ name, label, selector }): VariableModel => {
      const query = `label_values(${selector}, ${label})`;
      // Environment has no "All": staging spend is not production spend. The others default to All.
      const all = name !== 'environment';
      return {
        ...defaultVariableModel,
        type: 'query',
        name,
        label: VARIABLE_LABELS[name],
        datasource: DATASOURCE_REF,
        query: { query, refId: `${name}-values` },
        refresh: VariableRefresh.onTimeRangeChanged, // new services and models appear without a reload
        includeAll: all,
        multi: true,
        allowCustomValue: false,
        ...(all ? { allValue: ALL_VALUE } : {}),
        current: all ? { selected: true, text: ['All'], value: ['$__all'] } : { selected: true, text: [DEFAULT_ENVIRONMENT], value: [DEFAULT_ENVIRONMENT] },
        regex: '',
        sort: VariableSort.alphabeticalAsc,
        hide: VariableHide.dontHide,
      };
    }),
    {
      ...defaultVariableModel,
      // Any other label, e.g. `cluster` when several clusters write into one store: Grafana adds these
      // matchers to every selector of every query (recorded series keep settings.extraGroupingLabels).
      type: 'adhoc',
      name: 'filters',
      label: 'Other labels',
      description: 'Label matchers added to every query, e.g. cluster=prod-eu when several clusters write into one Prometheus, Thanos or Mimir.',
      datasource: DATASOURCE_REF,
      hide: VariableHide.dontHide,
    },
  ];
}

function thresholdSteps(p: PanelBase): ThresholdsConfig {
  return {
    mode: ThresholdsMode.Absolute,
    steps: [{ color: 'green', value: null }, ...(p.thresholds ?? []).map((t) => ({ color: t.color, value: t.value }))],
  };
}

function fieldDefaults<Custom>(p: Panel, custom?: Custom): PluginFieldConfig<Custom> {
  // The schema's open `custom` is replaced by the plugin's own kind.
  const { custom: _open, ...defaults } = defaultFieldConfig;
  return {
    ...defaults,
    unit: p.unit,
    thresholds: thresholdSteps(p),
    color: { mode: p.kind === 'timeseries' ? FieldColorModeId.PaletteClassic : FieldColorModeId.Thresholds },
    links: [...(p.links ?? [])],
    ...(p.decimals !== undefined ? { decimals: p.decimals } : {}),
    ...(p.noValue !== undefined ? { noValue: p.noValue } : {}),
    ...(p.min !== undefined ? { min: p.min } : {}),
    ...(p.max !== undefined ? { max: p.max } : {}),
    ...(custom !== undefined ? { custom } : {}),
  };
}

const reduceLast = { ...defaultReduceDataOptions, calcs: ['lastNotNull'], fields: '', values: false };

function target(t: Target, i: number): PrometheusQuery {
  return {
    refId: REF_IDS[i]!,
    datasource: DATASOURCE_REF,
    editorMode: 'code',
    expr: t.expr,
    legendFormat: t.legend ?? '__auto',
    range: !t.instant,
    instant: Boolean(t.instant),
    format: t.format ?? 'time_series',
  };
}

/** The filter variables a panel does not apply, appended to its description so the panel says so. */
export function unappliedFilters(exprs: readonly string[]): FilterVar[] {
  const used = new Set(exprs.flatMap(filterVarsIn));
  return FILTER_VARS.filter((v) => !used.has(v));
}

function describe(description: string, exprs: readonly string[], why?: string): string {
  const missing = unappliedFilters(exprs);
  if (missing.length === 0) return description;
  return `${description} Not filtered by ${missing.join(', ')}: ${why ?? `the series it reads do not carry ${missing.length === 1 ? 'that label' : 'those labels'}`}.`;
}

type Placed = { id: number; gridPos: { x: number; y: number; w: number; h: number } };

function renderPanel(p: Panel, at: Placed): GrafanaPanel {
  const exprs = p.targets.map((t) => t.expr);
  const common = {
    ...at,
    title: p.title,
    description: describe(p.description, exprs),
    datasource: DATASOURCE_REF,
    ...(p.timeFrom ? { timeFrom: p.timeFrom, hideTimeOverride: false } : {}),
    targets: p.targets.map(target),
  };
  const overrides = defaultFieldConfigSource.overrides ?? [];
  switch (p.kind) {
    case 'timeseries':
      return {
        ...common,
        type: 'timeseries',
        fieldConfig: {
          overrides,
          defaults: fieldDefaults(p, {
            drawStyle: p.bars ? GraphDrawStyle.Bars : GraphDrawStyle.Line,
            lineWidth: 1,
            fillOpacity: p.stack ? 60 : 10,
            showPoints: VisibilityMode.Never,
            spanNulls: false,
            stacking: { mode: p.stack ? StackingMode.Normal : StackingMode.None, group: 'A' },
            axisSoftMin: 0,
            thresholdsStyle: { mode: p.thresholds?.length ? GraphThresholdsStyleMode.Line : GraphThresholdsStyleMode.Off },
          }),
        },
        options: {
          legend: { ...defaultVizLegendOptions, showLegend: true, displayMode: LegendDisplayMode.Table, placement: 'bottom', calcs: ['mean', 'max', 'lastNotNull'] },
          tooltip: { mode: TooltipDisplayMode.Multi, sort: SortOrder.Descending },
        },
      };
    case 'stat':
      return {
        ...common,
        type: 'stat',
        fieldConfig: { overrides, defaults: fieldDefaults<never>(p) },
        options: withDefaults(statDefaults, { reduceOptions: reduceLast, orientation: VizOrientation.Auto, colorMode: BigValueColorMode.Value, graphMode: BigValueGraphMode.Area }),
      };
    case 'bargauge':
      return {
        ...common,
        type: 'bargauge',
        fieldConfig: { overrides, defaults: fieldDefaults<never>(p) },
        options: withDefaults(barGaugeDefaults, {
          reduceOptions: reduceLast,
          orientation: VizOrientation.Horizontal,
          displayMode: BarGaugeDisplayMode.Gradient,
          valueMode: BarGaugeValueMode.Color,
          namePlacement: BarGaugeNamePlacement.Auto,
          sizing: BarGaugeSizing.Auto,
          legend: { ...defaultVizLegendOptions, calcs: [], showLegend: false, displayMode: LegendDisplayMode.List, placement: 'bottom' },
        }),
      };
    case 'heatmap':
      return {
        ...common,
        type: 'heatmap',
        fieldConfig: { overrides, defaults: fieldDefaults(p, {}) },
        options: withDefaults(heatmapDefaults, {
          calculate: false,
          yAxis: { axisPlacement: AxisPlacement.Left, unit: p.unit, reverse: false },
          rowsFrame: { layout: HeatmapCellLayout.le },
          color: { ...heatmapDefaults.color!, mode: HeatmapColorMode.Scheme, scale: HeatmapColorScale.Exponential },
          tooltip: { ...heatmapDefaults.tooltip!, yHistogram: true },
        }),
      };
  }
}

function renderAlertList(p: AlertList, at: Placed): AlertListPanel {
  return {
    ...at,
    type: 'alertlist',
    title: p.title,
    description: describe(p.description, [p.labelFilter], 'it lists every firing genai-meter alert, staging and production alike (the environment is on each alert)'),
    options: {
      viewMode: 'list',
      groupMode: 'default',
      groupBy: [],
      maxItems: 50,
      sortOrder: 3, // importance: firing first, then by severity
      dashboardAlerts: false,
      alertName: '',
      datasource: '',
      alertInstanceLabelFilter: p.labelFilter,
      showInstances: true,
      stateFilter: { firing: true, pending: true, noData: false, normal: false, error: true },
    },
  };
}

/** Grafana dashboard JSON for a spec; panels flow left to right, 24 columns wide. */
export function renderDashboard(spec: DashboardSpec): GrafanaDashboard {
  const panels: (GrafanaPanel | RowPanel)[] = [];
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  let id = 1;
  for (const item of spec.items) {
    if (item.kind === 'row') {
      if (x > 0) y += rowHeight;
      panels.push({
        ...defaultRowPanel,
        type: 'row',
        id: id++,
        title: item.title,
        collapsed: false,
        gridPos: { h: 1, w: 24, x: 0, y },
        panels: [],
        ...(item.repeat ? { repeat: item.repeat } : {}),
      });
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
    const at = { id: id++, gridPos: { h, w, x, y } };
    panels.push(item.kind === 'alertlist' ? renderAlertList(item, at) : renderPanel(item, at));
    x += w;
    rowHeight = Math.max(rowHeight, h);
  }
  return {
    ...defaultDashboard,
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: [DASHBOARD_TAG],
    graphTooltip: DashboardCursorSync.Crosshair,
    // "Today" and "this month" are UTC days and months, as the budgets and the providers' invoices count them.
    timezone: 'utc',
    schemaVersion: defaultDashboard.schemaVersion!,
    version: 1,
    // Points arrive once per export interval (60 s by default): refreshing faster only redraws the same data.
    refresh: '1m',
    time: { from: spec.time ?? 'now-6h', to: 'now' },
    links: [{ ...defaultDashboardLink, targetBlank: false, type: 'dashboards', title: 'genai-meter', tags: [DASHBOARD_TAG], asDropdown: true, includeVars: true, keepTime: true, icon: 'external link', tooltip: '' }],
    annotations: {
      list: [
        {
          ...defaultAnnotationQuery,
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
    if (item.kind === 'row' || item.kind === 'alertlist') continue;
    item.targets.forEach((t, i) => {
      out.push({ kind: 'panel', name: `${spec.title} / ${item.title} [${REF_IDS[i]}]`, expr: t.expr, ...(t.expect ? { expect: t.expect } : {}) });
    });
  }
  return out;
}
