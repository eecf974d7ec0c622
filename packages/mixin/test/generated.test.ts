// The committed files under prometheus/, alertmanager/, grafana/ and docs/runbook.md must be exactly what the
// generator produces, and the real promtool/amtool must accept and pass them.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  alertDefinitions,
  dashboardPath,
  dashboards,
  generateFiles,
  inhibitionPairs,
  PATHS,
  PROVISIONING_PATHS,
  recordingRules,
  budgetRules,
  settings,
} from '../src/index.js';
import { findTool, promtools, run } from './tools.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const files = generateFiles();

describe('generated files', () => {
  it('are committed and up to date (run `npm run generate` after changing packages/mixin/src)', () => {
    const stale = Object.entries(files)
      .filter(([path, content]) => {
        try {
          return readFileSync(join(repoRoot, path), 'utf8') !== content;
        } catch {
          return true;
        }
      })
      .map(([path]) => path);
    expect(stale).toEqual([]);
  });

  it('cover exactly the paths in PATHS, one JSON per dashboard and the provisioning files', () => {
    const { dashboardsDir, ...single } = PATHS;
    const expected = [
      ...Object.values(single),
      ...dashboards(settings).map((d) => dashboardPath(d.file)),
      ...Object.values(PROVISIONING_PATHS),
    ];
    expect(dashboardsDir).toBe('grafana/dashboards');
    expect(Object.keys(files).sort()).toEqual(expected.sort());
    expect(Object.keys(files).filter((p) => p.startsWith('grafana/dashboards/'))).toEqual([
      'grafana/dashboards/genai-overview.json',
      'grafana/dashboards/genai-cost.json',
      'grafana/dashboards/genai-reliability.json',
      'grafana/dashboards/genai-model.json',
    ]);
  });
});

describe.each(promtools())('$label on the generated files', ({ bin: promtool }) => {
  const promDir = join(repoRoot, 'prometheus');

  it('promtool check config accepts prometheus.yml and its rule files', () => {
    const r = run(promtool, ['check', 'config', 'prometheus.yml'], promDir);
    expect(r.stderr + r.stdout).toContain('SUCCESS: prometheus.yml is valid prometheus config file syntax');
    expect(r.status).toBe(0);
  });

  it('promtool check rules counts every recording, budget and alert rule', () => {
    const r = run(promtool, ['check', 'rules', 'rules/genai-recording.rules.yml', 'rules/genai-budgets.rules.yml', 'rules/genai-alerts.rules.yml'], promDir);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`SUCCESS: ${recordingRules(settings).length} rules found`);
    expect(r.stdout).toContain(`SUCCESS: ${budgetRules(settings).length} rules found`);
    expect(r.stdout).toContain(`SUCCESS: ${alertDefinitions(settings).length} rules found`);
  });

  it.each([
    ['minutes to hours', PATHS.ruleTests],
    ['hours to days (burn rates, a budget over a UTC day)', PATHS.longRuleTests],
    ['a week (token baseline)', PATHS.weekRuleTests],
  ])('promtool test rules passes the %s tests', (_, path) => {
    const r = run(promtool, ['test', 'rules', path.slice('prometheus/'.length)], promDir);
    expect(r.stdout + r.stderr).toContain('SUCCESS');
    expect(r.status).toBe(0);
  }, 300_000);

  it('promtool test rules fails when a rule is wrong (the tests can fail)', () => {
    // Same tests against an alert file whose 429 threshold was raised tenfold.
    const dir = mkdtempSync(join(tmpdir(), 'genai-mixin-'));
    try {
      cpSync(promDir, join(dir, 'prometheus'), { recursive: true });
      const alertsPath = join(dir, PATHS.alertRules);
      const original = readFileSync(alertsPath, 'utf8');
      const mutated = original.replace(`{error_type="rate_limit"} > ${settings.rateLimit.maxIn5m}\n`, `{error_type="rate_limit"} > ${settings.rateLimit.maxIn5m * 10}\n`);
      expect(mutated).not.toBe(original);
      writeFileSync(alertsPath, mutated);
      const r = run(promtool, ['test', 'rules', 'tests/genai-rules.test.yml'], join(dir, 'prometheus'));
      expect(r.status).toBe(1);
      expect(r.stdout + r.stderr).toContain('alertname: GenAIRateLimited');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('amtool on the generated files', () => {
  const amtool = findTool('amtool');

  it('amtool check-config accepts alertmanager.yml with one inhibit rule per page and its six receivers', () => {
    const r = run(amtool, ['check-config', 'alertmanager/alertmanager.yml'], repoRoot);
    expect(r.stdout).toContain('SUCCESS');
    expect(r.stdout).toContain(` - ${new Set(inhibitionPairs(alertDefinitions(settings)).map((p) => p.source)).size} inhibit rules`);
    expect(r.stdout).toContain(' - 4 inhibit rules');
    expect(r.stdout).toContain(' - 6 receivers');
    expect(r.status).toBe(0);
  });

  it('amtool routes each severity to its receiver', () => {
    const route = (labels: string[]) =>
      run(amtool, ['config', 'routes', 'test', '--config.file=alertmanager/alertmanager.yml', ...labels], repoRoot).stdout.trim();
    expect(route(['severity=page', 'alertname=GenAIServerErrors'])).toBe('page');
    expect(route(['severity=ticket', 'alertname=GenAITimeouts'])).toBe('ticket');
    expect(route(['severity=info', 'alertname=GenAIExpensiveCalls'])).toBe('info');
  });
});

describe('rule test coverage', () => {
  type TestFile = {
    tests: { promql_expr_test?: { expr: string; exp_samples: unknown[] }[]; alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
  };
  const testFiles = [PATHS.ruleTests, PATHS.longRuleTests, PATHS.weekRuleTests].map((p) => parse(files[p]!) as TestFile);
  const exprTests = testFiles.flatMap((f) => f.tests.flatMap((t) => t.promql_expr_test ?? []));
  const alertTests = testFiles.flatMap((f) => f.tests.flatMap((t) => t.alert_rule_test ?? []));

  it('asserts an exact sample of every recording rule', () => {
    const records = [...new Set([...recordingRules(settings), ...budgetRules(settings)].map((r) => r.record))];
    const untested = records.filter((rec) => !exprTests.some((t) => t.expr.startsWith(`${rec}{`) || t.expr === rec) || false);
    expect(untested).toEqual([]);
    // Every expression test expects at least one sample: "nothing" is never the expected value here.
    expect(exprTests.filter((t) => t.exp_samples.length === 0)).toEqual([]);
  });

  it('tests every alert both firing and not firing', () => {
    const names = alertDefinitions(settings).map((a) => a.name);
    const firing = names.filter((n) => alertTests.some((t) => t.alertname === n && t.exp_alerts.length > 0));
    const silent = names.filter((n) => alertTests.some((t) => t.alertname === n && t.exp_alerts.length === 0));
    // The dead man's switch fires always, by design.
    const alwaysFiring = alertDefinitions(settings).filter((a) => a.expr === 'vector(1)').map((a) => a.name);
    expect(alwaysFiring).toEqual(['GenAIMeterWatchdog']);
    expect(firing).toEqual(names);
    expect(silent).toEqual(names.filter((n) => !alwaysFiring.includes(n)));
  });
});

describe('generate.ts writes the files', () => {
  it('into a given directory, byte for byte what generateFiles returns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'genai-mixin-gen-'));
    try {
      mkdirSync(dir, { recursive: true });
      const tsx = join(repoRoot, 'node_modules/.bin/tsx');
      const r = run(tsx, [join(repoRoot, 'packages/mixin/src/generate.ts'), dir], repoRoot);
      expect(r.status).toBe(0);
      for (const [path, content] of Object.entries(files)) expect(readFileSync(join(dir, path), 'utf8')).toBe(content);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
