// Dashboards, Grafana-managed alert rules and provisioning: the rules every panel must follow, exact
// variable substitution, `$` escaping for Grafana's env expansion, and one alert source rendered twice.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  alertDefinitions,
  allQueries,
  dashboardPath,
  dashboards,
  DATASOURCE_UID,
  FILTER_LABELS,
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
  fieldConfig?: { defaults: { unit?: string } };
  targets?: Target[];
}
interface Dashboard {
  uid: string;
  title: string;
  panels: PanelJson[];
  templating: { list: { type: string; name: string; multi?: boolean; includeAll?: boolean; allValue?: string; query: unknown; datasource?: unknown }[] };
}

const panelsOf = (d: Dashboard) => d.panels.filter((p) => p.type !== 'row');
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

  it('have datasource, service, environment, provider and model variables; the filters are multi-value regexes with All = .*', () => {
    for (const { json } of rendered) {
      const vars = json.templating.list;
      expect(vars.map((v) => `${v.type}:${v.name}`)).toEqual(['datasource:datasource', 'query:service', 'query:environment', 'query:provider', 'query:model']);
      for (const v of vars.slice(1)) {
        expect([v.multi, v.includeAll, v.allValue, v.datasource]).toEqual([true, true, '.*', { type: 'prometheus', uid: '${datasource}' }]);
        // Chained: each variable's values are limited by the ones before it, always with =~.
        expect(JSON.stringify(v.query)).not.toMatch(/[^=!]="\$/);
      }
      expect((vars[4]!.query as { query: string }).query).toBe(
        `label_values(${PROM.duration}_count{service_name=~"$service", deployment_environment_name=~"$environment", gen_ai_provider_name=~"$provider"}, gen_ai_request_model)`,
      );
    }
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
    for (const rec of [n.durationBucketRate, n.ttfcBucketRate, n.serviceCostProjectedMonth, n.serviceCost1d, n.rateLimitUsed, n.errorRatio['1h']!]) {
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
    expect(byName.get('GenAI / Cost / Spend by feature [A]')!.expr).toContain('sum by (genai_meter_feature)');
  });

  it('renders the same JSON from the spec every time (stable ids and layout)', () => {
    for (const { spec, json } of rendered) expect(renderDashboard(spec)).toEqual(json);
  });
});

describe('substituteVariables', () => {
  const expr = 'sum(rate(m{service_name=~"$service", deployment_environment_name=~"${environment}", gen_ai_provider_name=~"$provider", gen_ai_request_model=~"$model"}[$__rate_interval])) / $__range_s + increase(x[$__range]) + y[$__interval] + $__interval_ms + ${__range_ms}';

  it('expands All to .* and Grafana builtins to the given or default windows', () => {
    expect(substituteVariables(expr, {})).toBe(
      'sum(rate(m{service_name=~".*", deployment_environment_name=~".*", gen_ai_provider_name=~".*", gen_ai_request_model=~".*"}[1m])) / 3600 + increase(x[1h]) + y[15s] + 15000 + 3600000',
    );
  });

  it('expands one selected value with Grafana\'s regex escaping (a dot becomes \\\\. inside the PromQL string)', () => {
    expect(
      substituteVariables(expr, { service: 'checkout-api', environment: 'prod', provider: 'openai', model: 'gpt-4.1-mini', rateInterval: '2m', range: '30m', interval: '30s' }),
    ).toBe(
      'sum(rate(m{service_name=~"checkout-api", deployment_environment_name=~"prod", gen_ai_provider_name=~"openai", gen_ai_request_model=~"gpt-4\\\\.1-mini"}[2m])) / 1800 + increase(x[30m]) + y[30s] + 30000 + 1800000',
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
      `{{ printf "%.0f" $values.B.Value }} calls from {{ $labels.service_name }} to {{ $labels.gen_ai_provider_name }} ended in HTTP 429 in the last 5 minutes (after the SDK's retries); threshold ${settings.rateLimit.maxIn5m}.`,
    );
    const hourly = group.rules.find((r) => r.title === 'GenAIHourlySpendHigh')!;
    expect(hourly.annotations.description).toBe(`{{ $labels.service_name }} spent \${{ printf "%.2f" $values.B.Value }} in the last hour (threshold $${settings.spend.hourlyMaxUSD}).`);
    const contact = grafanaExpand(docs[PROVISIONING_PATHS.contactPoints], env) as { contactPoints: { receivers: { type: string; settings: { url: string } }[] }[] };
    expect(contact.contactPoints[0]!.receivers[0]).toMatchObject({ type: 'prometheus-alertmanager', settings: { url: 'http://alertmanager:9093' } });
  });

  it('one source, two outputs: every Prometheus alert is a Grafana rule with the same condition, for, labels and runbook', () => {
    const promRules = (parse(files[PATHS.alertRules]!) as { groups: { rules: { alert: string; expr: string; for: string; labels: Record<string, string>; annotations: Record<string, string> }[] }[] }).groups.flatMap((g) => g.rules);
    const grafana = expandedRules().rules;
    expect(grafana.map((r) => r.title)).toEqual(promRules.map((r) => r.alert));
    expect(grafana.map((r) => r.title)).toEqual(alerts.map((a) => a.name));
    for (const a of alerts) {
      const p = promRules.find((r) => r.alert === a.name)!;
      const g = grafana.find((r) => r.title === a.name)!;
      expect(g.uid.length).toBeLessThanOrEqual(40);
      expect([g.for, g.labels, g.annotations.runbook_url]).toEqual([p.for, p.labels, p.annotations.runbook_url]);
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
    const prov = docs[PROVISIONING_PATHS.dashboards] as { providers: { folder: string; options: Record<string, unknown> }[] };
    expect(prov.providers[0]!.folder).toBe('genai-meter');
    expect(prov.providers[0]!.options).toEqual({ path: '/etc/grafana/dashboards/genai-meter' });
    const policies = docs[PROVISIONING_PATHS.policies] as { policies: { receiver: string; routes: { object_matchers: string[][] }[] }[] };
    expect(policies.policies[0]!.receiver).toBe('genai-meter');
    expect(policies.policies[0]!.routes.map((r) => r.object_matchers[0]![2]).sort()).toEqual([...new Set(alerts.map((a) => a.severity))].sort());
  });

  it('Grafana-managed alert queries are in allQueries with expectations only where data must exist', () => {
    const entries = allQueries().filter((q) => q.name.startsWith('grafana / '));
    expect(entries.length).toBe(alerts.length);
    const byName = Object.fromEntries(entries.map((q) => [q.name, q.expect]));
    expect(byName['grafana / GenAIServerErrors [A]']).toEqual({ data: true, labels: { error_type: 'server_error' } });
    expect(byName['grafana / GenAIHourlySpendHigh [A]']).toEqual({ data: true });
    expect(byName['grafana / GenAITelemetryAbsent [A]']).toBeUndefined();
    expect(byName['grafana / GenAIErrorBudgetBurnSlow [A]']).toBeUndefined();
  });
});
