// A scrape is stamped when it starts and lands when it ends. Real Prometheus servers (2.42 and 3.x)
// scrape a target that answers 3 s late, evaluating the exact steps every second: the evaluation that
// covers a sample's timestamp always runs before the sample lands. Read at once (ingestionDelay 0s)
// every sample falls between two steps and the spend reads $0; read 6 s in the past (the shipped 1m
// does the same for samples up to a minute late) every dollar is counted, a series' first sample included.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTool, stopAll, waitFor } from '../../../tests/support/tools.js';
import { promQuery, startPrometheus, type PrometheusInstance } from '../../../tests/support/prometheus.js';
import { generateFiles, PATHS, recordNames, settings, type MixinSettings } from '../src/index.js';
import { L, PROM } from '../src/promnames.js';

const LANDS_AFTER_MS = 3000;
const SCRAPE = '5s';

/** Two batch jobs, each one series born non-zero; the first grows once more before it stops. */
const JOBS = [
  { service: 'nightly-a', steps: [{ atMs: 2000, usd: 1.25 }, { atMs: 14_000, usd: 1.75 }] },
  { service: 'nightly-b', steps: [{ atMs: 9000, usd: 2.5 }] },
] as const;

const truth = (service: string) => JOBS.find((j) => j.service === service)!.steps.at(-1)!.usd;

function exposition(elapsedMs: number): string {
  const lines = [`# TYPE ${PROM.cost}_sum untyped`];
  for (const job of JOBS) {
    const shown = job.steps.filter((s) => s.atMs <= elapsedMs).at(-1);
    if (!shown) continue;
    const labels = `${L.service}="${job.service}",${L.environment}="production",otel_scope_name="@genai-meter/instrumentation-openai",${L.provider}="openai",${L.requestModel}="gpt-4.1-mini"`;
    lines.push(`${PROM.cost}_sum{${labels}} ${shown.usd}`);
  }
  return `${lines.join('\n')}\n`;
}

const binaries = (): { label: string; bin?: string }[] => [{ label: 'Prometheus 2.42 (Debian)' }, { label: 'Prometheus 3.x', bin: findTool('prometheus3') }];

describe('samples that land after the evaluation covering their timestamp', () => {
  let target: Server;
  let started = 0;
  const servers = new Map<string, PrometheusInstance>();
  const key = (label: string, delay: string) => `${label} ${delay}`;
  const delays = ['0s', '6s'] as const;

  beforeAll(async () => {
    target = createServer((_req, res) => {
      // Prometheus stamps the sample now; it lands when the answer arrives.
      const body = exposition(Date.now() - started);
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        res.end(body);
      }, LANDS_AFTER_MS);
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    started = Date.now();
    const port = (target.address() as { port: number }).port;
    const starts = binaries().flatMap(({ label, bin }) =>
      delays.map(async (ingestionDelay) => {
        const s: MixinSettings = { ...settings, scrapeInterval: SCRAPE, evaluationInterval: '1s', ingestionDelay };
        const files = generateFiles(s);
        const rules = { 'recording.yml': files[PATHS.recordingRules]! };
        const config = [
          'global:',
          `  scrape_interval: ${SCRAPE}`,
          `  scrape_timeout: ${SCRAPE}`,
          '  evaluation_interval: 1s',
          'rule_files: [recording.yml]',
          'scrape_configs:',
          '  - job_name: batch',
          `    static_configs: [{ targets: ['127.0.0.1:${port}'] }]`,
          '',
        ].join('\n');
        servers.set(key(label, ingestionDelay), await startPrometheus({ config, files: rules, ...(bin ? { bin } : {}) }));
      }),
    );
    await Promise.all(starts);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([...servers.values()].map((p) => p.stop()));
    await stopAll();
    await new Promise((r) => target?.close(r));
  });

  it.each(binaries().map((b) => b.label))('%s: read 6 s in the past, every dollar is counted; read at once, the late samples are lost', async (label) => {
    const n = recordNames({ ...settings, evaluationInterval: '1s' });
    const today = async (delay: string, service: string) =>
      (await promQuery(servers.get(key(label, delay))!.url, `${n.serviceCostToday}{${L.service}="${service}"}`))[0]?.value;
    for (const job of JOBS) {
      await waitFor(async () => (await today('6s', job.service)) === truth(job.service), { what: `${label}: ${job.service}'s $${truth(job.service)} today with a 6 s delay`, timeoutMs: 60_000, intervalMs: 500 });
      expect(await today('6s', job.service)).toBe(truth(job.service));
    }
    // Every sample has landed by now (the last one was stamped over 6 s ago): without the delay each one
    // landed after the evaluation that covered it and is in no step (an evaluation run 2 s late on a
    // loaded machine could still catch one: the sum over both jobs is what must fall short).
    const atOnce = await Promise.all(JOBS.map(async (job) => (await today('0s', job.service)) ?? 0));
    console.log(`${label}: read at once $${atOnce.join(', $')} of $${JOBS.map((j) => truth(j.service)).join(', $')}`);
    expect(atOnce.reduce((a, b) => a + b, 0)).toBeLessThan(JOBS.reduce((a, j) => a + truth(j.service), 0));
  }, 90_000);
});
