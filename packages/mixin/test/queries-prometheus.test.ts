// Every query of allQueries() (panel targets with Grafana variables substituted for "All" and for one
// selected value, recording and alert expressions, Grafana-managed alert queries) is accepted by a real
// Prometheus: a typo in PromQL fails here, before the end-to-end test runs it on real traffic.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allQueries, substituteVariables, variableSelectors } from '../src/index.js';
import { findTool } from './tools.js';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('every shipped query on a real Prometheus', () => {
  const prometheusBin = findTool('prometheus');
  let prom: ChildProcess | undefined;
  let dir: string;
  let base: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'genai-mixin-queries-'));
    const port = await freePort();
    writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 15s\n');
    prom = spawn(prometheusBin, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], {
      stdio: 'ignore',
    });
    base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (await fetch(`${base}/-/ready`).then((r) => r.ok, () => false)) break;
      if (Date.now() > deadline) throw new Error('Prometheus did not become ready');
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  afterAll(async () => {
    if (prom && prom.exitCode === null) {
      prom.kill('SIGTERM');
      await new Promise((r) => prom!.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  });

  async function rejected(expr: string): Promise<string | undefined> {
    const res = await fetch(`${base}/api/v1/query`, { method: 'POST', body: new URLSearchParams({ query: expr }) });
    const body = (await res.json()) as { status: string; error?: string };
    return body.status === 'success' ? undefined : `${body.error}: ${expr}`;
  }

  it('parses and evaluates each one, with "All" and with one selected value of every variable', async () => {
    const queries = allQueries();
    expect(queries.filter((q) => q.kind === 'panel').length).toBeGreaterThan(60);
    const errors: string[] = [];
    for (const q of queries) {
      const one = { environment: 'production', service: 'checkout-api', provider: 'openai', operation: 'chat', model: 'gpt-4.1-mini', feature: 'search', range: '6h' };
      for (const vars of [{}, one]) {
        const e = await rejected(substituteVariables(q.expr, vars));
        if (e) errors.push(`${q.name}: ${e}`);
      }
    }
    expect(errors).toEqual([]);
  });

  it('accepts the series selector of every dashboard variable (label_values), with each earlier variable on one value', async () => {
    const picked = { environment: 'production', service: 'checkout-api', provider: 'openai', operation: 'chat', model: 'gpt-4.1-mini' };
    const errors: string[] = [];
    for (const v of variableSelectors()) {
      for (const vars of [{}, picked]) {
        const e = await rejected(`count(${substituteVariables(v.selector, vars)})`);
        if (e) errors.push(`${v.name}: ${e}`);
      }
    }
    expect(errors).toEqual([]);
  });

  it('rejects a broken query (the check can fail)', async () => {
    expect(await rejected('sum by (le (rate(x[1m]))')).toMatch(/parse error/);
  });
});
