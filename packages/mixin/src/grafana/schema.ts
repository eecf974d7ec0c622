// The dashboard JSON model genai-meter writes, typed with Grafana's own published schema
// (@grafana/schema at the version of the Grafana image in docker-compose.yml): the dashboard, panel,
// field-config and variable kinds, and each panel plugin's `Options` and custom `FieldConfig`. The
// schema's `Panel` leaves `options`, `targets` and `fieldConfig.defaults.custom` open
// (`Record<string, unknown>`); the types below close them per panel type, so an unknown option, a
// wrong enum value or a missing required option of a plugin is a type error, in the builder and in
// the check of the generated files (test/dashboard-schema.test.ts).
import type { DataQuery, DataSourceRef, Dashboard, FieldConfig, FieldConfigSource, Panel, RowPanel, VariableModel } from '@grafana/schema';
import type * as BarGauge from '@grafana/schema/dist/esm/raw/composable/bargauge/panelcfg/x/BarGaugePanelCfg_types.gen.js';
import type * as Heatmap from '@grafana/schema/dist/esm/raw/composable/heatmap/panelcfg/x/HeatmapPanelCfg_types.gen.js';
import type * as Stat from '@grafana/schema/dist/esm/raw/composable/stat/panelcfg/x/StatPanelCfg_types.gen.js';
import type * as TimeSeries from '@grafana/schema/dist/esm/raw/composable/timeseries/panelcfg/x/TimeSeriesPanelCfg_types.gen.js';

/**
 * A Prometheus target. @grafana/schema 12.1 has no Prometheus query kind (it lives in
 * @grafana/prometheus, which needs React and the whole Grafana UI), so these are the fields of the
 * Prometheus datasource's `dataquery` kind that genai-meter sets, on the schema's `DataQuery`.
 */
export interface PrometheusQuery extends DataQuery {
  datasource: DataSourceRef;
  expr: string;
  legendFormat?: string;
  range?: boolean;
  instant?: boolean;
  format?: 'time_series' | 'table' | 'heatmap';
  editorMode?: 'code' | 'builder';
  /** Lower limit of the step and of `$__interval` / `$__rate_interval` for this query. */
  interval?: string;
  exemplar?: boolean;
}

/** A data link: the schema types `FieldConfig.links` as `unknown[]`; these are the fields Grafana reads. */
export interface DataLink {
  title: string;
  url: string;
  targetBlank?: boolean;
}

/** Field config of a panel plugin: the schema's standard options, `custom` closed to the plugin's own kind. */
export type PluginFieldConfig<Custom> = Omit<FieldConfig, 'custom' | 'links'> & { custom?: Custom; links?: DataLink[] };

interface PluginPanel<Type extends string, Options, Custom> extends Omit<Panel, 'type' | 'options' | 'fieldConfig' | 'targets' | 'datasource'> {
  type: Type;
  datasource: DataSourceRef;
  targets: PrometheusQuery[];
  options: Options;
  fieldConfig: Omit<FieldConfigSource, 'defaults'> & { defaults: PluginFieldConfig<Custom> };
}

export type TimeSeriesPanel = PluginPanel<'timeseries', TimeSeries.Options, TimeSeries.FieldConfig>;
export type StatPanel = PluginPanel<'stat', Stat.Options, never>;
export type BarGaugePanel = PluginPanel<'bargauge', BarGauge.Options, never>;
export type HeatmapPanel = PluginPanel<'heatmap', Heatmap.Options, Heatmap.FieldConfig>;

/**
 * Options of Grafana's alert list panel (`alertlist`). The panel has no kind in @grafana/schema 12.1,
 * so these are the options of its `UnifiedAlertListOptions` at that version that genai-meter sets;
 * Grafana fills the others from the plugin's defaults.
 */
export interface AlertListOptions {
  viewMode: 'list' | 'stat';
  groupMode: 'default' | 'custom';
  groupBy: string[];
  maxItems: number;
  /** 1 alphabetical asc, 2 desc, 3 importance, 4 time asc, 5 time desc. */
  sortOrder: 1 | 2 | 3 | 4 | 5;
  dashboardAlerts: boolean;
  alertName: string;
  /** Rules of every source when empty: Grafana-managed and data-source-managed (Prometheus) alike. */
  datasource: string;
  alertInstanceLabelFilter: string;
  showInstances: boolean;
  stateFilter: { firing: boolean; pending: boolean; noData: boolean; normal: boolean; error: boolean };
}
export interface AlertListPanel extends Omit<Panel, 'type' | 'options' | 'fieldConfig' | 'targets'> {
  type: 'alertlist';
  options: AlertListOptions;
}

export type GrafanaPanel = TimeSeriesPanel | StatPanel | BarGaugePanel | HeatmapPanel | AlertListPanel;

/** A complete dashboard as genai-meter writes it: the schema's Dashboard with the panels above. */
export interface GrafanaDashboard extends Omit<Dashboard, 'panels' | 'templating'> {
  uid: string;
  title: string;
  panels: (GrafanaPanel | RowPanel)[];
  templating: { list: VariableModel[] };
}

/**
 * The JSON form of a type: string enums become the union of their values (`BigValueColorMode` ->
 * `'background' | 'value' | ...`), as a JSON file holds plain strings. Numeric enums stay: a JSON
 * number literal is checked against their members as is.
 */
export type AsJson<T> = T extends string
  ? `${T}`
  : T extends number | boolean | null | undefined
    ? T
    : T extends readonly (infer U)[]
      ? AsJson<U>[]
      : T extends object
        ? { [K in keyof T]: AsJson<T[K]> }
        : T;
