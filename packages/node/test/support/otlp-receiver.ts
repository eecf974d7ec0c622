// A minimal OTLP/HTTP receiver for tests: accepts http/json POSTs on /v1/metrics and /v1/traces, keeps
// every decoded request, and can be told to fail (503) or to never answer (a black-holed collector).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ReceiverMode = 'ok' | 'unavailable' | 'hang';

interface KeyValue {
  key: string;
  value: { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean };
}

export interface OtlpPoint {
  /** The instrumentation scope that recorded it. */
  scope: string;
  metric: string;
  attributes: Record<string, string | number | boolean>;
  /** Histogram: sum and count; sum/gauge: value. */
  sum?: number;
  count?: number;
  value?: number;
  temporality?: number;
}

export interface OtlpExport {
  resource: Record<string, string | number | boolean>;
  points: OtlpPoint[];
}

export interface OtlpSpan {
  scope: string;
  name: string;
  attributes: Record<string, string | number | boolean>;
  /** Status code: 0 unset, 1 ok, 2 error. */
  status: number;
}

function attrs(list: KeyValue[] | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const { key, value } of list ?? []) {
    if (value.stringValue !== undefined) out[key] = value.stringValue;
    else if (value.intValue !== undefined) out[key] = Number(value.intValue);
    else if (value.doubleValue !== undefined) out[key] = value.doubleValue;
    else if (value.boolValue !== undefined) out[key] = value.boolValue;
  }
  return out;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
export function decodeExport(body: any): OtlpExport[] {
  return (body.resourceMetrics ?? []).map((rm: any) => {
    const points: OtlpPoint[] = [];
    for (const sm of rm.scopeMetrics ?? []) {
      for (const m of sm.metrics ?? []) {
        const data = m.histogram ?? m.sum ?? m.gauge;
        for (const dp of data?.dataPoints ?? []) {
          const p: OtlpPoint = { scope: sm.scope?.name ?? '', metric: m.name, attributes: attrs(dp.attributes), temporality: data.aggregationTemporality };
          if (m.histogram) {
            p.sum = Number(dp.sum);
            p.count = Number(dp.count);
          } else {
            p.value = dp.asDouble !== undefined ? Number(dp.asDouble) : Number(dp.asInt);
          }
          points.push(p);
        }
      }
    }
    return { resource: attrs(rm.resource?.attributes), points };
  });
}

export function decodeSpans(body: any): OtlpSpan[] {
  return (body.resourceSpans ?? []).flatMap((rs: any) =>
    (rs.scopeSpans ?? []).flatMap((ss: any) =>
      (ss.spans ?? []).map((span: any) => ({ scope: ss.scope?.name ?? '', name: span.name, attributes: attrs(span.attributes), status: span.status?.code ?? 0 })),
    ),
  );
}

export class OtlpReceiver {
  mode: ReceiverMode = 'ok';
  readonly exports: OtlpExport[] = [];
  readonly spans: OtlpSpan[] = [];
  /** Requests seen, including refused and hung ones. */
  requests = 0;
  private server: Server | undefined;
  private readonly hung = new Set<ServerResponse>();
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(port = 0): Promise<this> {
    const server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.requests++;
      if (this.mode === 'hang') {
        this.hung.add(res);
        return;
      }
      if (this.mode === 'unavailable') {
        res.writeHead(503).end();
        return;
      }
      if (!['/v1/metrics', '/v1/traces'].includes(req.url!) || !String(req.headers['content-type']).includes('json')) {
        res.writeHead(415).end(`expected JSON on /v1/metrics or /v1/traces, got ${req.headers['content-type']} on ${req.url}`);
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      if (req.url === '/v1/traces') this.spans.push(...decodeSpans(body));
      else this.exports.push(...decodeExport(body));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  }

  /** All points of `metric` from every export so far. */
  points(metric: string, match: Record<string, string | number | boolean> = {}): OtlpPoint[] {
    return this.exports.flatMap((e) => e.points).filter((p) => p.metric === metric && Object.entries(match).every(([k, v]) => p.attributes[k] === v));
  }

  /** Points of `metric` in the most recent export that has the metric (cumulative: the totals). */
  latest(metric: string, match: Record<string, string | number | boolean> = {}): OtlpPoint[] {
    for (let i = this.exports.length - 1; i >= 0; i--) {
      const pts = this.exports[i]!.points.filter((p) => p.metric === metric);
      if (pts.length) return pts.filter((p) => Object.entries(match).every(([k, v]) => p.attributes[k] === v));
    }
    return [];
  }

  async close(): Promise<void> {
    for (const res of this.hung) res.destroy();
    this.hung.clear();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export const sumOf = (points: OtlpPoint[]): number => points.reduce((a, p) => a + (p.sum ?? p.value ?? 0), 0);
export const countOf = (points: OtlpPoint[]): number => points.reduce((a, p) => a + (p.count ?? 0), 0);
