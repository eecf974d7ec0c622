// Dashboards, Grafana-managed alert rules and provisioning: the rules every panel must follow, exact
// variable substitution, `$` escaping for Grafana's env expansion, and one alert source rendered twice.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ERROR_TYPE_CLASSES } from '@genai-meter/instrumentation-openai/semconv';
import {
  alertDefinitions,
  allQueries,
  DASHBOARD_UIDS,
  dashboardPath,
  dashboards,
  DATASOURCE_UID,
  DEFAULT_ENVIRONMENT,
  FILTER_LABELS,
  FILTER_VARS,
  minimumInterval,
  generateFiles,
  grafanaTemplateRefs,
  PATHS,
  PROM,
  PROVISIONING_ENV,
  PROVISIONING_PATHS,
  prometheusTemplateRefs,
  recordNames,
  renderDashboard,
  settings,
  substituteVariables,
} from '../src/index.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const files = generateFiles();
const rendered = dashboards(settings).map((d) => ({ spec: d, json: JSON.parse(files[dashboardPath(d.file)]!) as Dashboard }));

interface Target {
  refId: string;
  expr: string;
  datasource: { type: string; uid: string };
}
interface PanelJson {
  type: string;
  title: string;
  description?: string;
  datasource?: { type: string; uid: string };
  gridPos: { x: number; y: number; w: number; h: number };
  fieldConfig?: { defaults: { unit?: string; links?: { title: string; url: string }[] } };
  targets?: Target[];
  options?: Record<string, unknown>;
  repeat?: string;
}
interface Dashboard {
  uid: string;
  title: string;
  timezone: string;
  panels: PanelJson[];
  templating: {
    list: { type: string; name: string; multi?: boolean; includeAll?: boolean; allValue?: string; query: unknown; datasource?: unknown; current?: { value: unknown } }[];
  };
}

const panelsOf = (d: Dashboard) => d.panels.filter((p) => p.type !== 'row' && p.type !== 'alertlist');
/** Panels with the title of the row they are in (the row's repeat variable, if any). */
const withRows = (d: Dashboard) => {
  let current: PanelJson | undefined;
  return d.panels.flatMap((p) => {
    if (p.type === 'row') {
      current = p;
      return [];
    }
    return [{ panel: p, row: current }];
  });
};
const ALLOWED_UNITS = new Set(['currencyUSD', 's', 'short', 'percentunit', 'cpm', 'suffix: tokens/s']);
const COUNTER_SERIES = [
  ...[PROM.duration, PROM.tokenUsage, PROM.timeToFirstChunk, PROM.timePerOutputChunk, PROM.cost].flatMap((n) => [`${n}_bucket`, `${n}_sum`, `${n}_count`]),
  PROM.retries,
  PROM.tokenDetails,
  PROM.unpricedCalls,
];

describe('dashboards', () => {
  it('are the four of issue 6, with unique uids', () => {
    expect(rendered.map((d) => [d.json.uid, d.json.title])).toEqual([
      ['genai-meter-overview', 'GenAI / Overview'],
      ['genai-meter-cost', 'GenAI / Cost'],
      ['genai-meter-reliability', 'GenAI / Reliability'],
      ['genai-meter-model', 'GenAI / Model drill-down'],
    ]);
  });

  it('have datasource, environment, service, provider, operation, model and feature variables: chained regexes, environment defaults to one environment', () => {
    for (const { json } of rendered) {
      const vars = json.templating.list;
      expect(vars.map((v) => `${v.type}:${v.name}`)).toEqual([
        'datasource:datasource',
        'query:environment',
        'query:service',
        'query:provider',
        'query:operation',
        'query:model',
        'query:feature',
        'adhoc:filters',
      ]);
      const [environment, ...others] = vars.slice(1, -1);
      // Environment: one environment selected on open, no "All" (staging spend is not production spend).
      expect([environment!.multi, environment!.includeAll, environment!.allValue, environment!.current?.value]).toEqual([true, false, undefined, [DEFAULT_ENVIRONMENT]]);
      for (const v of others) {
        expect([v.multi, v.includeAll, v.allValue, v.datasource, v.current?.value]).toEqual([true, true, '.*', { type: 'prometheus', uid: '${datasource}' }, ['$__all']]);
      }
      for (const v of vars.slice(1, -1)) {
        // Chained: each variable's values are limited by the ones before it, always with =~, and only genai-meter's scope.
        expect(JSON.stringify(v.query)).not.toMatch(/[^=!]="\$/);
        expect((v.query as { query: string }).query).toContain('otel_scope_name=~"@genai-meter/.+"');
      }
      expect((vars[5]!.query as { query: string }).query).toBe(
        `label_values(${PROM.duration}_count{deployment_environment_name=~"$environment", service_name=~"$service", gen_ai_provider_name=~"$provider", gen_ai_operation_name=~"$operation", otel_scope_name=~"@genai-meter/.+"}, gen_ai_request_model)`,
      );
    }
  });

  it('read "today" and "this month" in UTC, the day the budgets count', () => {
    for (const { json } of rendered) expect(json.timezone).toBe('utc');
  });

  it('every panel has a known unit, a description of what it shows and what to do, and queries through ${datasource}', () => {
    for (const { json } of rendered) {
      for (const p of panelsOf(json)) {
        expect(ALLOWED_UNITS.has(p.fieldConfig?.defaults.unit ?? ''), `${json.title} / ${p.title} unit ${p.fieldConfig?.defaults.unit}`).toBe(true);
        expect(p.description?.length ?? 0, `${json.title} / ${p.title} description`).toBeGreaterThan(60);
        expect(p.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
        expect(p.targets!.length).toBeGreaterThan(0);
        for (const t of p.targets!) expect(t.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      }
      // No datasource uid is hard-coded anywhere in a dashboard (the alert rules use the pinned one).
      expect(JSON.stringify(json)).not.toContain(DATASOURCE_UID);
    }
  });

  it('a panel that cannot apply a filter says which ones in its description', () => {
    let notes = 0;
    for (const { json } of rendered) {
      for (const p of json.panels.filter((x) => x.type !== 'row')) {
        const text = p.type === 'alertlist' ? String(p.options!.alertInstanceLabelFilter) : p.targets!.map((t) => t.expr).join('\n');
        const missing = FILTER_VARS.filter((v) => !new RegExp(`\\$\\{?${v}\\b`).test(text));
        const note = /Not filtered by ([\w, ]+):/.exec(p.description ?? '');
        expect(note?.[1]?.split(', ') ?? [], `${json.title} / ${p.title}`).toEqual(missing);
        if (missing.length) notes++;
      }
    }
    expect(notes).toBeGreaterThan(5); // recorded series (no operation/feature), rate-limit gauges (no feature), the alert list
  });

  it('the Overview answers "what are we spending and is it healthy" first: spend, where it goes, then errors and latency, then tokens', () => {
    const overview = rendered[0]!.json;
    expect(overview.panels.filter((p) => p.type === 'row').map((p) => p.title)).toEqual(['Spend', 'Where the money goes', 'Health', 'Tokens']);
    expect(overview.panels.slice(1, 4).map((p) => p.title)).toEqual(['Spend today', 'Month to date', 'Forecast for the month']);
    const titles = panelsOf(overview).map((p) => p.title);
    for (const t of ['Today against the daily budget', 'This month against the monthly budget', 'Cost per call', 'Spend by service', 'Spend by model', 'Spend by feature', 'Provider error ratio', 'Cancelled by callers', 'Call duration P95 by model', 'Cache hit ratio', 'Reasoning share of output']) {
      expect(titles).toContain(t);
    }
    const tokens = JSON.stringify(panelsOf(overview).find((p) => p.title.startsWith('Tokens per second'))!.targets);
    expect(tokens).toContain('genai_meter_token_detail=\\"cache_read\\"');
    expect(tokens).toContain('genai_meter_token_detail=\\"reasoning\\"');
  });

  it('quantiles are per model, never blended: grouped by the request model or inside the row repeated per model', () => {
    let checked = 0;
    for (const { json } of rendered) {
      for (const { panel, row } of withRows(json)) {
        for (const t of panel.targets ?? []) {
          for (const m of t.expr.matchAll(/histogram_quantile\([\d.]+, sum by \(([^)]*)\)/g)) {
            checked++;
            const grouped = m[1]!.split(', ').includes(FILTER_LABELS.model);
            expect(grouped || row?.repeat === 'model', `${json.title} / ${panel.title}: by (${m[1]})`).toBe(true);
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(8);
    const drill = rendered.find((d) => d.json.uid === DASHBOARD_UIDS.model)!.json;
    expect(drill.panels[0]).toMatchObject({ type: 'row', repeat: 'model', title: '$model' });
  });

  it('failure panels keep cancellations apart: error.type is matched by value, by class, or grouped by', () => {
    const classes = ['provider', 'billing', 'client'] as const;
    for (const q of allQueries().filter((x) => x.kind === 'panel')) {
      for (const m of q.expr.matchAll(/error_type(=~|!=|=)"([^"]*)"/g)) {
        const [, op, value] = m;
        if (op === '=') continue; // one error type
        if (op === '!=') {
          // "failed" without a class only where a status code is required too (cancellations have none).
          expect(q.expr, q.name).toMatch(/http_response_status_code!=""/);
          continue;
        }
        const members = value!.split('|');
        expect(members.includes('cancelled') ? members : [], q.name).toEqual(members.includes('cancelled') ? ['cancelled'] : []);
        expect(members.length, q.name).toBeGreaterThan(0);
      }
    }
    const overview = rendered[0]!.json;
    const unsuccessful = panelsOf(overview).find((p) => p.title.startsWith('Unsuccessful calls'))!;
    expect(unsuccessful.targets!.map((t) => t.expr.match(/error_type=~"([^"]*)"/)![1])).toEqual([...classes.map((c) => ERROR_TYPE_CLASSES[c].join('|')), 'cancelled']);
  });

  it('a model or service links to its drill-down, keeping the other filters and the time range', () => {
    let links = 0;
    for (const { json } of rendered) {
      for (const p of panelsOf(json)) {
        for (const l of p.fieldConfig?.defaults.links ?? []) {
          links++;
          const url = new URL(l.url, 'http://grafana');
          expect(Object.values(DASHBOARD_UIDS)).toContain(url.pathname.replace('/d/', ''));
          const label = /var-(\w+)=\$\{__field\.labels\.(\w+)\}/.exec(l.url)!;
          expect(FILTER_LABELS[label[1] as keyof typeof FILTER_LABELS]).toBe(label[2]);
          // The clicked label is in the panel's series.
          expect(p.targets!.some((t) => t.expr.includes(`by (${label[2]}`) || new RegExp(`by \\([^)]*\\b${label[2]}\\b`).test(t.expr)), `${json.title} / ${p.title}`).toBe(true);
          expect(l.url).toContain('${__url_time_range}');
          expect(l.url).toContain('${environment:queryparam}');
        }
      }
    }
    expect(links).toBeGreaterThanOrEqual(8);
    const spendByModel = panelsOf(rendered[0]!.json).find((p) => p.title === 'Spend by model')!;
    expect(spendByModel.fieldConfig!.defaults.links![0]!.url).toBe(
      '/d/genai-meter-model?var-model=${__field.labels.gen_ai_request_model}&${datasource:queryparam}&${environment:queryparam}&${service:queryparam}&${provider:queryparam}&${__url_time_range}',
    );
  });

  it('the firing-alerts panel lists Grafana-managed and Prometheus alerts alike (every rule source)', () => {
    for (const uid of [DASHBOARD_UIDS.overview, DASHBOARD_UIDS.reliability]) {
      const json = rendered.find((d) => d.json.uid === uid)!.json;
      const list = json.panels.find((p) => p.type === 'alertlist')!;
      expect(list.options).toMatchObject({ datasource: '', alertInstanceLabelFilter: '{category=~".+", category!="heartbeat"}', stateFilter: { firing: true, pending: true } });
      // Every alert of the mixin carries the category label the filter selects; the always-firing heartbeat is left out.
      for (const a of alertDefinitions(settings)) expect(a.category.length).toBeGreaterThan(0);
      expect(alertDefinitions(settings).filter((a) => a.category === 'heartbeat').map((a) => a.name)).toEqual(['GenAIMeterWatchdog']);
    }
  });

  it('panel titles are unique per dashboard and panels do not overlap on the 24-column grid', () => {
    for (const { json } of rendered) {
      const titles = panelsOf(json).map((p) => p.title);
      expect(new Set(titles).size).toBe(titles.length);
      const cells = new Set<string>();
      for (const p of json.panels) {
        const { x, y, w, h } = p.gridPos;
        expect(x + w).toBeLessThanOrEqual(24);
        for (let i = x; i < x + w; i++) for (let j = y; j < y + h; j++) {
          const key = `${i},${j}`;
          expect(cells.has(key), `${json.title} / ${p.title} overlaps at ${key}`).toBe(false);
          cells.add(key);
        }
      }
    }
  });

  it('filter variables are only matched with =~ on their own label', () => {
    const uses = [...allQueries().filter((q) => q.kind === 'panel').map((q) => q.expr).join('\n').matchAll(/(\w+)\s*(=~|!~|!=|=)\s*"\$\{?(\w+)\}?"/g)];
    expect(uses.length).toBeGreaterThan(200);
    for (const [, label, op, variable] of uses) {
      expect(op).toBe('=~');
      expect(FILTER_LABELS[variable as keyof typeof FILTER_LABELS]).toBe(label);
    }
  });

  it('never aggregates a raw counter or histogram series: each one is inside rate() or increase()', () => {
    const exprs = allQueries().filter((q) => q.kind === 'panel').map((q) => q.expr);
    let seen = 0;
    for (const expr of exprs) {
      for (const name of COUNTER_SERIES) {
        // Recorded series (level:metric:op) contain raw names between colons: they are already rates.
        for (const m of expr.matchAll(new RegExp(`(?<![\\w:])${name}(?![\\w:])`, 'g'))) {
          seen++;
          expect(expr.slice(0, m.index), `${name} in ${expr}`).toMatch(/(rate|increase)\($/);
        }
      }
    }
    expect(seen).toBeGreaterThan(50);
  });

  it('range windows are $__rate_interval or $__range, never a fixed window Grafana cannot widen', () => {
    const windows = allQueries()
      .filter((q) => q.kind === 'panel')
      .flatMap((q) => [...q.expr.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1]));
    expect(new Set(windows)).toEqual(new Set(['$__rate_interval', '$__range']));
  });

  it('uses the recording rules for the fixed-window heavy queries', () => {
    const exprs = allQueries().filter((q) => q.kind === 'panel').map((q) => q.expr).join('\n');
    const n = recordNames(settings);
    for (const rec of [
      n.durationBucketRate,
      n.ttfcBucketRate,
      n.serviceCostToday,
      n.serviceCostThisMonth,
      n.serviceCostForecastThisMonth,
      n.serviceCostForecastToday,
      n.budget.daily,
      n.budget.monthly,
      n.modelCostStep,
      n.callsStep,
      n.unpricedCallsStep,
      n.expensiveCallsStep,
      n.serviceCost1d,
      n.rateLimitUsed,
      n.errorRatio['1h']!,
    ]) {
      expect(exprs).toContain(rec);
    }
  });

  it('allQueries names every panel target `<dashboard> / <title> [refId]` with its expression and expectation', () => {
    const panels = allQueries().filter((q) => q.kind === 'panel');
    const fromJson = rendered.flatMap(({ json }) => panelsOf(json).flatMap((p) => p.targets!.map((t) => [`${json.title} / ${p.title} [${t.refId}]`, t.expr])));
    expect(panels.map((q) => [q.name, q.expr])).toEqual(fromJson);
    const byName = new Map(panels.map((q) => [q.name, q]));
    expect(byName.get('GenAI / Reliability / Rate limited (429) [A]')!.expect).toEqual({ data: true, labels: { error_type: 'rate_limit' } });
    expect(byName.get('GenAI / Reliability / Failed calls per minute by error.type [A]')!.expect).toEqual({ data: true, labels: { error_type: 'rate_limit' } });
    expect(byName.get('GenAI / Reliability / Error budget burn rate [G]')!.expect).toBeUndefined(); // 3d window
    expect(byName.get('GenAI / Overview / Tokens per second: input, cached, output, reasoning [B]')!.expect).toEqual({ data: true });
    expect(byName.get('GenAI / Overview / Spend by feature [A]')!.expr).toContain('sum by (genai_meter_feature)');
  });

  it('renders the same JSON from the spec every time (stable ids and layout)', () => {
    for (const { spec, json } of rendered) expect(renderDashboard(spec)).toEqual(json);
  });
});

describe('substituteVariables', () => {
  const expr =
    'sum(rate(m{service_name=~"$service", deployment_environment_name=~"${environment}", gen_ai_provider_name=~"$provider", gen_ai_operation_name=~"$operation", gen_ai_request_model=~"$model", genai_meter_feature=~"${feature}"}[$__rate_interval])) / $__range_s + increase(x[$__range]) + y[$__interval] + $__interval_ms + ${__range_ms}';

  it('expands an absent value to .* and Grafana builtins to the given windows, or those of the 1m minimum interval', () => {
    expect(substituteVariables(expr, {})).toBe(
      'sum(rate(m{service_name=~".*", deployment_environment_name=~".*", gen_ai_provider_name=~".*", gen_ai_operation_name=~".*", gen_ai_request_model=~".*", genai_meter_feature=~".*"}[4m])) / 3600 + increase(x[1h]) + y[1m] + 60000 + 3600000',
    );
  });

  it('expands one selected value with Grafana\'s regex escaping (a dot becomes \\\\. inside the PromQL string)', () => {
    expect(
      substituteVariables(expr, {
        service: 'checkout-api',
        environment: 'prod',
        provider: 'openai',
        operation: 'chat',
        model: 'gpt-4.1-mini',
        feature: 'search',
        rateInterval: '2m',
        range: '30m',
        interval: '30s',
      }),
    ).toBe(
      'sum(rate(m{service_name=~"checkout-api", deployment_environment_name=~"prod", gen_ai_provider_name=~"openai", gen_ai_operation_name=~"chat", gen_ai_request_model=~"gpt-4\\\\.1-mini", genai_meter_feature=~"search"}[2m])) / 1800 + increase(x[30m]) + y[30s] + 30000 + 1800000',
    );
  });

  it('throws on a variable Grafana would not know, instead of leaving a $ for Prometheus', () => {
    expect(() => substituteVariables('rate(x[$window])')).toThrow('unknown variable $window');
  });

  it('leaves no $ in any panel query', () => {
    for (const q of allQueries()) {
      expect(substituteVariables(q.expr, { model: 'gpt-4o-mini' })).not.toContain('$');
    }
  });
});

/** Grafana's provisioning expansion: `$$` is a literal `$`, `$NAME` / `${NAME}` come from the environment. */
function grafanaExpand(value: unknown, env: Record<string, string>): unknown {
  if (typeof value === 'string') {
    return value
      .split('$$')
      .map((part) => part.replace(/\$\{(\w+)\}|\$(\w+)/g, (_m, a: string | undefined, b: string | undefined) => env[(a ?? b)!] ?? ''))
      .join('$');
  }
  if (Array.isArray(value)) return value.map((v) => grafanaExpand(v, env));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, grafanaExpand(v, env)]));
  return value;
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)]);
  return [];
}

describe('provisioning', () => {
  const docs = Object.fromEntries(Object.values(PROVISIONING_PATHS).map((p) => [p, parse(readFileSync(join(repoRoot, p), 'utf8')) as unknown]));
  const allowedEnv = new Set(Object.values(PROVISIONING_ENV));
  const env = { [PROVISIONING_ENV.alertmanagerUrl]: 'http://alertmanager:9093' };
  const alerts = alertDefinitions(settings);
  type Rule = {
    uid: string;
    title: string;
    condition: string;
    for: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    data: { refId: string; datasourceUid: string; model: { expr?: string; type?: string; expression?: string; conditions?: { evaluator: { type: string; params: number[] } }[] } }[];
  };
  const expandedRules = () => (grafanaExpand(docs[PROVISIONING_PATHS.alertRules], env) as { groups: { folder: string; interval: string; rules: Rule[] }[] }).groups[0]!;

  it('leaves no single $ outside the intended ${ENV} references (Grafana would expand it)', () => {
    let escaped = 0;
    for (const [path, doc] of Object.entries(docs)) {
      for (const s of strings(doc)) {
        const rest = s.replace(/\$\$/g, () => {
          escaped++;
          return '';
        });
        for (const m of rest.matchAll(/\$(\{(\w+)\}|\w*)/g)) {
          expect(m[2] !== undefined && allowedEnv.has(m[2] as never), `${path}: single $ in ${JSON.stringify(s)}`).toBe(true);
        }
      }
    }
    expect(escaped).toBeGreaterThan(50); // label and value templates of every rule
  });

  it('after Grafana\'s expansion, the rules carry exactly the templates and queries of the alert definitions', () => {
    const group = expandedRules();
    expect([group.folder, group.interval]).toEqual(['genai-meter', settings.evaluationInterval]);
    const rateLimited = group.rules.find((r) => r.title === 'GenAIRateLimited')!;
    expect(rateLimited.annotations.summary).toBe('{{ $labels.service_name }} is rate limited by {{ $labels.gen_ai_provider_name }}');
    expect(rateLimited.annotations.description).toBe(
      `{{ printf "%.0f" $values.B.Value }} calls from {{ $labels.service_name }} in {{ $labels.deployment_environment_name }} to {{ $labels.gen_ai_provider_name }} ended in HTTP 429 in the last 5 minutes (after the SDK's retries); threshold ${settings.rateLimit.maxIn5m}.`,
    );
    const hourly = group.rules.find((r) => r.title === 'GenAIHourlySpendHigh')!;
    expect(hourly.annotations.description).toBe(
      `{{ $labels.service_name }} in {{ $labels.deployment_environment_name }} spent \${{ printf "%.2f" $values.B.Value }} in the last 60 minutes, more than its hourly budget (default $${settings.budgets.defaults.hourly}).`,
    );
    const contact = grafanaExpand(docs[PROVISIONING_PATHS.contactPoints], env) as { contactPoints: { receivers: { type: string; settings: { url: string } }[] }[] };
    expect(contact.contactPoints[0]!.receivers[0]).toMatchObject({ type: 'prometheus-alertmanager', settings: { url: 'http://alertmanager:9093' } });
  });

  it('one source, two outputs: every Prometheus alert is a Grafana rule with the same condition, for, labels, runbook and dashboard link', () => {
    const promRules = (parse(files[PATHS.alertRules]!) as { groups: { rules: { alert: string; expr: string; for: string; labels: Record<string, string>; annotations: Record<string, string> }[] }[] }).groups.flatMap((g) => g.rules);
    const grafana = expandedRules().rules;
    expect(grafana.map((r) => r.title)).toEqual(promRules.map((r) => r.alert));
    expect(grafana.map((r) => r.title)).toEqual(alerts.map((a) => a.name));
    for (const a of alerts) {
      const p = promRules.find((r) => r.alert === a.name)!;
      const g = grafana.find((r) => r.title === a.name)!;
      expect(g.uid.length).toBeLessThanOrEqual(40);
      expect([g.for, g.labels, g.annotations.runbook_url, g.annotations.dashboard_url]).toEqual([p.for, p.labels, p.annotations.runbook_url, p.annotations.dashboard_url]);
      // The link opens the panel Grafana's own rule points at (__dashboardUid__/__panelId__), on the alert's labels.
      expect(p.annotations.dashboard_url).toMatch(new RegExp(`^${settings.grafanaUrl}/d/${g.annotations.__dashboardUid__}\\?viewPanel=panel-${g.annotations.__panelId__}\\{\\{ with \\$labels\\.deployment_environment_name \\}\\}&var-environment=`));
      expect(g.data.map((d) => [d.refId, d.datasourceUid])).toEqual([['A', DATASOURCE_UID], ['B', '__expr__'], ['C', '__expr__']]);
      expect(g.condition).toBe('C');
      const [A, B, C] = g.data;
      expect([B!.model.type, B!.model.expression, C!.model.type, C!.model.expression]).toEqual(['reduce', 'A', 'threshold', 'B']);
      const { type, params } = C!.model.conditions![0]!.evaluator;
      if (a.threshold) {
        // The split condition is the Prometheus one: query, operator and value give back `expr`.
        expect(`${A!.model.expr} ${type === 'gt' ? '>' : '<'} ${params[0]}`).toBe(p.expr);
      } else {
        expect([A!.model.expr, type, params]).toEqual([p.expr, 'gt', [0]]);
      }
      // The same neutral templates, rendered for each engine.
      expect(g.annotations.summary).toBe(a.summary(grafanaTemplateRefs));
      expect(p.annotations.summary).toBe(a.summary(prometheusTemplateRefs));
    }
    expect(new Set(grafana.map((r) => r.uid)).size).toBe(grafana.length);
  });

  it('datasource has the pinned uid and the compose URL; the dashboard provider uses a folder, not foldersFromFilesStructure', () => {
    const ds = docs[PROVISIONING_PATHS.datasource] as { datasources: Record<string, unknown>[] };
    expect(ds.datasources[0]).toMatchObject({ uid: DATASOURCE_UID, type: 'prometheus', url: 'http://prometheus:9090', isDefault: true });
    // The minimum interval follows the export interval (60 s), not the 15 s scrape: rate windows span several updates.
    expect(ds.datasources[0]!.jsonData).toMatchObject({ timeInterval: '1m' });
    expect(minimumInterval({ exportInterval: '90s', scrapeInterval: '15s' })).toBe('90s');
    expect(minimumInterval({ exportInterval: '10s', scrapeInterval: '30s' })).toBe('30s');
    const prov = docs[PROVISIONING_PATHS.dashboards] as { providers: { folder: string; options: Record<string, unknown> }[] };
    expect(prov.providers[0]!.folder).toBe('genai-meter');
    expect(prov.providers[0]!.options).toEqual({ path: '/etc/grafana/dashboards/genai-meter' });
    const policies = docs[PROVISIONING_PATHS.policies] as { policies: { receiver: string; routes: { object_matchers: string[][] }[] }[] };
    expect(policies.policies[0]!.receiver).toBe('genai-meter');
    // Prometheus notifies by default: Grafana hands its copies to Alertmanager, which routes (test/grafana-notifications.test.ts).
    expect(policies.policies[0]!.routes).toBeUndefined();
  });

  it('every Grafana-managed rule links to the dashboard panel to look at (__dashboardUid__ and __panelId__ of a generated panel)', () => {
    const byUid = new Map(rendered.map((d) => [d.json.uid, d.json]));
    const target = (r: Rule) => {
      const d = byUid.get(r.annotations.__dashboardUid__!);
      return [d?.title, d?.panels.find((p) => String((p as { id?: number }).id) === r.annotations.__panelId__)?.title];
    };
    const rules = expandedRules().rules;
    for (const r of rules) expect(target(r)[1], r.title).toBeDefined();
    const of = (name: string) => target(rules.find((r) => r.title === name)!);
    expect(of('GenAIRateLimited')).toEqual(['GenAI / Reliability', 'Failed calls per minute by error.type']);
    expect(of('GenAIErrorBudgetBurnFast')).toEqual(['GenAI / Reliability', 'Error budget burn rate']);
    expect(of('GenAIHourlySpendHigh')).toEqual(['GenAI / Cost', 'Spend per hour by service']);
    expect(of('GenAIProjectedMonthlySpendOverBudget')).toEqual(['GenAI / Cost', 'This month: to date, forecast and budget by service']);
    expect(of('GenAIUnpricedCalls')).toEqual(['GenAI / Cost', 'Unpriced calls by model']);
    expect(of('GenAIExpensiveCalls')).toEqual(['GenAI / Cost', `Calls over $${settings.expensiveCall.thresholdUSD} by model`]);
    expect(of('GenAILatencyBudgetBurnFast')).toEqual(['GenAI / Reliability', 'Calls over their latency target by model']);
    expect(of('GenAIQuotaExhausted')).toEqual(['GenAI / Reliability', 'Quota exhausted']);
    expect(of('GenAIMeterCollectorDown')).toEqual(['GenAI / Overview', 'Firing alerts']);
  });

  it('Grafana-managed alert queries are in allQueries with expectations only where data must exist', () => {
    const entries = allQueries().filter((q) => q.name.startsWith('grafana / '));
    expect(entries.length).toBe(alerts.length);
    const byName = Object.fromEntries(entries.map((q) => [q.name, q.expect]));
    expect(byName['grafana / GenAIServerErrors [A]']).toEqual({ data: true, labels: { error_type: 'server_error' } });
    expect(byName['grafana / GenAIUnpricedCalls [A]']).toEqual({ data: true });
    expect(byName['grafana / GenAIQuotaExhausted [A]']).toEqual({ data: true, labels: { error_type: 'insufficient_quota' } });
    expect(byName['grafana / GenAIClientErrorsHigh [A]']).toBeUndefined(); // no client errors in the traffic
    expect(byName['grafana / GenAIHourlySpendHigh [A]']).toBeUndefined(); // spend > budget: a series only while over
    expect(byName['grafana / GenAITelemetryAbsent [A]']).toBeUndefined();
    expect(byName['grafana / GenAIErrorBudgetBurnSlow [A]']).toBeUndefined();
  });
});
