// Child: cost of reading the metrics out, at 100, 2,000 and 20,000 series. Series are generated the way
// production makes them (distinct models through real calls, maxModels and the SDK cardinality limit
// raised); then the embedded Prometheus exporter serves GET /metrics on 127.0.0.1 and the real OTLP
// exporters (http/protobuf and http/json) send one interval's collection to a sink in another process.
import { createRequire } from 'node:module';
import { request } from 'node:http';
import { createServer } from 'node:net';
import type * as Prom from '@opentelemetry/exporter-prometheus';
import { Rpc, srcFile } from './child.js';
import { echoModelFetch } from './fixtures.js';
import { countPoints, summarize } from './meter.js';
import { emit, flag, median } from './stats.js';
import { setupVariant } from './variants.js';

const require = createRequire(import.meta.url);
const { PrometheusExporter } = require('@opentelemetry/exporter-prometheus') as typeof Prom;
const { OTLPMetricExporter: OtlpProto } = require('@opentelemetry/exporter-metrics-otlp-proto');
const { OTLPMetricExporter: OtlpJson } = require('@opentelemetry/exporter-metrics-otlp-http');

const sizes = (flag('sizes') ?? '100,2000,20000').split(',').map(Number);
const repeats = Number(flag('repeats') ?? 10);
const LIMIT = 100_000;

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });

const promPort = await freePort();
let prom!: Prom.PrometheusExporter;
type Reader = ReturnType<NonNullable<NonNullable<Parameters<typeof setupVariant>[2]>['readers']>>[number];
const setup = setupVariant('genai-meter', 7, {
  maxModels: LIMIT,
  cardinalityLimit: LIMIT,
  readers: (producers) => {
    prom = new PrometheusExporter({ host: '127.0.0.1', port: promPort, metricProducers: producers() as never });
    // exporter-prometheus pins its own sdk-metrics patch release: same reader contract, distinct class types.
    return [prom as unknown as Reader];
  },
});
const client = new setup.OpenAI({ apiKey: 'sk-bench', fetch: echoModelFetch() });
const sink = await Rpc.start<{ port: number }>('otlp-sink', srcFile('./sink.ts'), []);
const otlpUrl = `http://127.0.0.1:${sink.info.port}/v1/metrics`;
const exporters = { 'otlp-proto': new OtlpProto({ url: otlpUrl }), 'otlp-json': new OtlpJson({ url: otlpUrl }) };

let models = 0;
const addModels = async (n: number) => {
  for (let i = 0; i < n; i++) await client.chat.completions.create({ model: `bench-model-${String(models++).padStart(6, '0')}`, messages: [{ role: 'user', content: 'hi' }] });
};
const points = async () => countPoints(await summarize(setup.reader));

// Points per model, and those that exist whatever the number of models.
await addModels(1);
const p1 = await points();
await addModels(1);
const perModel = (await points()) - p1;
const fixed = p1 - perModel;

const scrape = (): Promise<{ bytes: number; lines: number }> =>
  new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port: promPort, path: '/metrics' }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => {
        const body = Buffer.concat(parts);
        let lines = 0;
        for (const l of body.toString('utf8').split('\n')) if (l && !l.startsWith('#')) lines++;
        resolve({ bytes: body.length, lines });
      });
    })
      .on('error', reject)
      .end();
  });

interface Cost {
  cpuMs: number;
  wallMs: number;
}
async function measure(n: number, body: () => Promise<unknown>): Promise<Cost> {
  await body(); // warm
  const cpus: number[] = [];
  const walls: number[] = [];
  for (let i = 0; i < n; i++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await body();
    walls.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1000);
  }
  return { cpuMs: median(cpus), wallMs: median(walls) };
}

const results = [];
for (const target of sizes) {
  const needModels = Math.max(0, Math.ceil((target - fixed) / perModel));
  if (needModels > models) await addModels(needModels - models);
  const series = await points();
  const n = target >= 20_000 ? Math.max(3, Math.round(repeats / 2)) : repeats;
  const { bytes, lines } = await scrape();
  const render = await measure(n, scrape);
  const otlp: Record<string, Cost & { bytes: number }> = {};
  for (const [name, exporter] of Object.entries(exporters)) {
    const cost = await measure(n, async () => {
      const { resourceMetrics } = await setup.reader.collect();
      await new Promise<void>((resolve, reject) =>
        exporter.export(resourceMetrics, (r: { code: number; error?: Error }) => (r.code === 0 ? resolve() : reject(r.error ?? new Error('export failed')))),
      );
    });
    const { lastBytes } = await sink.rpc.request<{ lastBytes: number }>({ cmd: 'stats' });
    otlp[name] = { ...cost, bytes: lastBytes };
  }
  results.push({ target, models, series, prometheus: { ...render, bytes, sampleLines: lines }, otlp });
}

await sink.rpc.request({ cmd: 'finish' });
await prom.shutdown();
await setup.provider.shutdown();
emit({ perModel, fixed, results });
process.exit(0);
