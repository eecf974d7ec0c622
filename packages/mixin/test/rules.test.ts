// The rules beyond the generated promtool files, on both promtool versions: what the old increase()
// reported for the same spend, a rate window shorter than the exports, budgets from a budgets file,
// the UTC month boundary, a `cluster` grouping label; and the contract routing builds on.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  alertDefinitions,
  budgetFor,
  budgetRules,
  BudgetsFileError,
  L,
  parseBudgets,
  PATHS,
  PROM,
  rateWindow,
  recordingRules,
  recordNames,
  renderAlertRules,
  renderRecordingRules,
  sawToothGroup,
  settings,
  validateSettings,
  WATCHDOG_ALERT,
  type MixinSettings,
  type PromtoolTestGroup,
} from '../src/index.js';
import { WATCHDOG_ALERT as STACK_WATCHDOG } from '../src/alerts-stack.js';
import { alertExpectation } from '../src/rule-tests.js';
import { exactSpendGroup } from '../src/rule-tests-field.js';
import { spendRules } from '../src/spend.js';
import { promtools, run } from './tools.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Writes rule files and one promtool test file into a fresh directory; returns the test file path. */
function testDir(ruleFiles: Record<string, string>, tests: PromtoolTestGroup[], evaluationInterval: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'genai-rules-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(ruleFiles)) writeFileSync(join(dir, name), content);
  writeFileSync(join(dir, 'test.yml'), stringify({ rule_files: Object.keys(ruleFiles), evaluation_interval: evaluationInterval, tests }, { lineWidth: 0 }));
  return dir;
}

const promtoolTest = (bin: string, dir: string) => run(bin, ['test', 'rules', 'test.yml'], dir);

const svc = (service: string, environment: string) => ({ [L.service]: service, [L.environment]: environment });
const labelText = (labels: Record<string, string>) => `{${Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}}`;
const scope = { otel_scope_name: '@genai-meter/instrumentation-openai', otel_scope_version: '0.1.0' };

describe.each(promtools())('$label', ({ bin, major }) => {
  it('the exact spend group fails against increase(): it lost the first samples (a batch job, a new pod)', () => {
    // The shipped rule files, the hourly spend replaced by what it was: increase() over the raw counters.
    const n = recordNames(settings);
    const lines = readFileSync(join(repoRoot, PATHS.recordingRules), 'utf8').split('\n');
    const line = lines.findIndex((l) => l.endsWith(`record: ${n.serviceCost1h}`));
    lines[line + 1] = `        expr: sum by (${L.service}, ${L.environment}) (increase(${PROM.cost}_sum{otel_scope_name=~"@genai-meter/.+"}[1h]))`;
    const files = {
      'recording.yml': lines.join('\n'),
      'budgets.yml': readFileSync(join(repoRoot, PATHS.budgetRules), 'utf8'),
      'alerts.yml': readFileSync(join(repoRoot, PATHS.alertRules), 'utf8'),
    };
    const group = exactSpendGroup(settings);
    expect(promtoolTest(bin, testDir({ ...files, 'recording.yml': readFileSync(join(repoRoot, PATHS.recordingRules), 'utf8') }, [group], settings.evaluationInterval)).stdout).toContain('SUCCESS');
    const r = promtoolTest(bin, testDir(files, [group], settings.evaluationInterval));
    expect(r.status).toBe(1);
    const out = r.stdout + r.stderr;
    // The batch job's $40, exported once at exit, is invisible to increase(): the hourly page stayed silent.
    expect(out).toMatch(/service:gen_ai_usage_cost_USD:increase1h\{service_name=\\"nightly-batch\\".*\n\s+exp: .* 4E\+01\n\s+got: .* 0E\+00/);
    expect(out).toContain('alertname: GenAIHourlySpendHigh');
  }, 120_000);

  it(`a rate window of one export interval ${major === 3 ? 'saw-tooths (some 15 s phases see no change)' : 'passes on 2.x (closed windows): the saw-tooth is a 3.x one'}`, () => {
    const files = { 'recording.yml': renderRecordingRules(recordingRules(settings)) };
    const shipped = promtoolTest(bin, testDir(files, [sawToothGroup(settings)], settings.evaluationInterval));
    expect(shipped.stdout + shipped.stderr).toContain('SUCCESS');
    // One minute: one 60 s export per window.
    const short = promtoolTest(bin, testDir(files, [sawToothGroup(settings, '1m')], settings.evaluationInterval));
    expect(short.status).toBe(major === 3 ? 1 : 0);
  }, 120_000);

  it('budgets from a budgets file: the most specific entry wins, else the defaults', () => {
    const budgets = parseBudgets(
      stringify({
        defaults: { hourly: 10, daily: 50, monthly: 1000 },
        budgets: [
          { service: 'checkout', environment: 'production', daily: 200, monthly: 4000 },
          { service: 'checkout', hourly: 30 },
          { environment: 'staging', hourly: 2, daily: 5, monthly: 100 },
        ],
      }),
      'test-budgets.yaml',
    );
    const s: MixinSettings = { ...settings, budgets };
    const n = recordNames(s);
    const groups = [
      ['checkout', 'production'],
      ['checkout', 'staging'],
      ['search', 'staging'],
      ['search', 'production'],
    ] as const;
    const test: PromtoolTestGroup = {
      name: 'budgets',
      interval: '1m',
      input_series: groups.map(([service, environment]) => ({ series: `${n.serviceCostThisMonth}${labelText(svc(service, environment))}`, values: '1x30' })),
      promql_expr_test: (['hourly', 'daily', 'monthly'] as const).flatMap((kind) =>
        groups.map(([service, environment]) => ({
          expr: `${n.budget[kind]}${labelText(svc(service, environment))}`,
          eval_time: '10m',
          exp_samples: [{ labels: `${n.budget[kind]}${labelText(svc(service, environment))}`, value: budgetFor(budgets, kind, service, environment) }],
        })),
      ),
      alert_rule_test: [],
    };
    // checkout/staging: hourly 30 (service) beats 2 (environment); daily 5 (environment) as checkout sets none outside production.
    expect([budgetFor(budgets, 'hourly', 'checkout', 'staging'), budgetFor(budgets, 'daily', 'checkout', 'staging'), budgetFor(budgets, 'daily', 'search', 'production')]).toEqual([30, 5, 50]);
    const r = promtoolTest(bin, testDir({ 'budgets.yml': renderRecordingRules(budgetRules(s)) }, [test], '1m'));
    expect(r.stdout + r.stderr).toContain('SUCCESS');
  });

  it('this month restarts at 00:00 UTC on the 1st; today and the month number follow', () => {
    // The spend rules at a 30-minute evaluation (31 days of them in seconds); spend from Jan 31 22:00 to Feb 1 02:00 1970.
    // No ingestion delay: the boundary arithmetic on samples stamped at the evaluations (the budget-day group runs it with the default delay).
    const s: MixinSettings = { ...settings, evaluationInterval: '30m', ingestionDelay: '0s', expensiveCall: { ...settings.expensiveCall, window: '1h' } };
    const n = recordNames(s);
    const cost = spendRules(s, n, 'genai-meter.cost');
    const start = 30 * 48 + 22 * 2; // 30-minute steps to Jan 31 22:00
    const labels = { ...svc('ledger', 'production'), ...scope, [L.provider]: 'openai', [L.requestModel]: 'gpt-4.1', [L.operation]: 'chat' };
    // $0.25 every 30 minutes from Jan 31 22:00 (the first sample already 0.25: born non-zero).
    const input = { series: `${PROM.cost}_sum${labelText(labels)}`, values: `_x${start} 0.25+0.25x8` };
    const expectAt = (record: string, step: number, value: number) => ({
      expr: `${record}${labelText(svc('ledger', 'production'))}`,
      eval_time: `${(start + step) * 30}m`,
      exp_samples: [{ labels: `${record}${labelText(svc('ledger', 'production'))}`, value }],
    });
    const test: PromtoolTestGroup = {
      name: 'month boundary',
      interval: '30m',
      input_series: [input],
      promql_expr_test: [
        // Jan 31 23:30: 4 samples since 22:00.
        expectAt(n.serviceCostThisMonth, 3, 4 * 0.25),
        expectAt(n.serviceCostThisMonthMonth, 3, 1970 * 12 + 1),
        // Feb 1 00:00: the sample at 00:00 is still January's (a step ends at its evaluation).
        expectAt(n.serviceCostThisMonth, 4, 5 * 0.25),
        // Feb 1 01:00: the 2 samples after midnight.
        expectAt(n.serviceCostThisMonth, 6, 2 * 0.25),
        expectAt(n.serviceCostThisMonthMonth, 6, 1970 * 12 + 2),
        expectAt(n.serviceCostToday, 6, 2 * 0.25),
        expectAt(n.serviceCostTodayDay, 6, 31),
      ],
      alert_rule_test: [],
    };
    const r = promtoolTest(bin, testDir({ 'cost.yml': renderRecordingRules(cost) }, [test], '30m'));
    expect(r.stdout + r.stderr).toContain('SUCCESS');
  }, 120_000);

  it('a cluster grouping label keeps the same service in two clusters apart, in records and alerts', () => {
    const s: MixinSettings = { ...settings, extraGroupingLabels: ['cluster'] };
    validateSettings(s);
    const n = recordNames(s);
    const series = (cluster: string, perMin: number) => ({
      series: `${PROM.cost}_sum${labelText({ ...svc('checkout', 'production'), ...scope, cluster, [L.provider]: 'openai', [L.requestModel]: 'gpt-4.1' })}`,
      values: `0+${perMin}x90`,
    });
    const at70 = (cluster: string, value: number) => ({ labels: `${n.serviceCost1h}${labelText({ ...svc('checkout', 'production'), cluster })}`, value });
    const hourly = alertDefinitions(s).find((a) => a.name === 'GenAIHourlySpendHigh')!;
    const test: PromtoolTestGroup = {
      name: 'clusters',
      interval: '1m',
      input_series: [series('eu-1', 0.25), series('us-1', 0.0625)],
      promql_expr_test: [{ expr: n.serviceCost1h, eval_time: '70m', exp_samples: [at70('eu-1', 15), at70('us-1', 3.75)] }],
      alert_rule_test: [],
    };
    expect(hourly.instanceLabels).toContain('cluster');
    expect(hourly.expr).toBe(`${n.serviceCost1h} > ${n.budget.hourly}`);
    const files = {
      'recording.yml': renderRecordingRules(recordingRules(s)),
      'budgets.yml': renderRecordingRules(budgetRules(s)),
      'alerts.yml': renderAlertRules(s, alertDefinitions(s)),
    };
    test.alert_rule_test.push({ eval_time: '70m', alertname: hourly.name, exp_alerts: [alertExpectation(s, hourly, { ...svc('checkout', 'production'), cluster: 'eu-1' }, 15)] });
    const r = promtoolTest(bin, testDir(files, [test], '1m'));
    expect(r.stdout + r.stderr).toContain('SUCCESS');
    const groupings = recordingRules(s).flatMap((rule) => [...rule.expr.matchAll(/\b(?:sum|min|max|group) by \(([^)]*)\)/g)].map((m) => m[1]!));
    expect(groupings.length).toBeGreaterThan(40);
    expect(groupings.filter((g) => !g.split(', ').includes('cluster'))).toEqual([]);
  }, 120_000);
});

describe('the contract routing builds on', () => {
  const alerts = alertDefinitions(settings);

  it('every alert about a service carries its environment; the stack alerts carry neither', () => {
    const aboutService = alerts.filter((a) => a.instanceLabels.includes(L.service));
    expect(aboutService.length).toBeGreaterThan(15);
    for (const a of aboutService) expect(a.instanceLabels, a.name).toContain(L.environment);
    const stack = alerts.filter((a) => !a.instanceLabels.includes(L.service)).map((a) => a.name);
    expect(stack.sort()).toEqual(
      ['GenAIMeterCollectorDown', 'GenAIMeterCollectorDroppingData', 'GenAIMeterCollectorQueueFilling', 'GenAIMeterRuleEvaluationFailures', 'GenAIMeterRuleEvaluationsMissed', 'GenAIMeterWatchdog'].sort(),
    );
    for (const a of alerts) expect(['page', 'ticket', 'info']).toContain(a.severity);
  });

  it('the watchdog always fires, as a heartbeat, under the name the routes send to the heartbeat', () => {
    const w = alerts.find((a) => a.name === WATCHDOG_ALERT)!;
    expect(w.name).toBe(STACK_WATCHDOG);
    expect([w.expr, w.category, w.for]).toEqual(['vector(1)', 'heartbeat', '0m']);
  });

  it('no rule re-reads raw series over a day: long windows sum recorded per-step increments', () => {
    const raw = /\b((?:gen_ai|genai_meter)_[a-zA-Z0-9_]+)\{[^}]*\}\[([0-9a-z]+)\](?: offset ([0-9a-z]+))?/g;
    const allowed = new Set([rateWindow(settings), '1h', settings.evaluationInterval]);
    const offenders = [...recordingRules(settings), ...alerts].flatMap((r) =>
      [...r.expr.matchAll(raw)].filter(([, , range, offset]) => !allowed.has(range!) && !(range === settings.counterGapTolerance && offset) && !(range === settings.tokenSpike.recentBaseline && offset)).map((m) => `${'record' in r ? r.record : r.name}: ${m[0]}`),
    );
    expect(offenders).toEqual([]);
  });
});

describe('budgets file', () => {
  it('the shipped file has the documented defaults', () => {
    expect(settings.budgets.defaults).toEqual({ hourly: 10, daily: 50, monthly: 1000 });
    expect(settings.spend).toMatchObject({ hourlyMaxUSD: 10, dailyBudgetUSD: 50, monthlyBudgetUSD: 1000 });
  });

  it('reports every problem at once, with where it is', () => {
    let error: unknown;
    try {
      parseBudgets(
        stringify({
          defaults: { hourly: 10, daily: -5, monthly: 1000, yearly: 1 },
          budgets: [{ service: 'a', daly: 3 }, { daily: 4 }, { service: 'b', daily: 1 }, { service: 'b', daily: 2 }],
        }),
        'budgets.yaml',
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BudgetsFileError);
    const problems = (error as BudgetsFileError).problems.join('\n');
    expect(problems).toContain('defaults.daily');
    expect(problems).toContain("'yearly'");
    expect(problems).toContain("'daly'");
    expect(problems).toContain('budgets.1: an entry needs a service, an environment, or both');
    expect(() => parseBudgets('defaults: [', 'broken.yaml')).toThrow(/broken\.yaml:\n- not YAML/);
    expect(() => parseBudgets(stringify({ defaults: { hourly: 1, daily: 1, monthly: 1 }, budgets: [{ service: 'b', daily: 1 }, { service: 'b', monthly: 2 }] }), 'dup.yaml')).toThrow(/a second entry for service b/);
  });
});
