// The /metrics port of a cluster worker (Node's `cluster`, PM2's cluster mode). A worker's listen() on a
// port goes through the primary, which shares it round-robin among every worker listening there: each
// scrape would read another process's counters under the same labels (3, 7, 3, 7: a reset at every
// scrape, which rate() and the exact steps count as growth). And beside a primary holding the base port
// itself, the workers' listen() failed and their calls were never exposed. So a worker
// takes a port of its own, base + its index, and binds it itself (`exclusive`); a port still held by the
// worker it replaces (PM2's reload starts the new one first) is retried for a minute.
import type { Server } from 'node:http';
import type { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import type { Env } from './env.js';
import { log } from './log.js';

const RETRY_MS = 2000;
/** PM2 kills the replaced worker within seconds of a reload (kill_timeout); a port busy longer is someone else's. */
const RETRY_FOR_MS = 60_000;

// The module object itself (what require returns), whose `worker` is set in a worker only.
const currentWorker = (): { id: number } | undefined => (process.getBuiltinModule('node:cluster') as unknown as { worker?: { id: number } }).worker;

/**
 * The index that offsets a cluster worker's port: PM2's NODE_APP_INSTANCE (0 … instances-1, kept across
 * restarts), else Node's worker id (from 1: the base port stays the primary's).
 * Undefined outside a cluster worker. (Node removes NODE_UNIQUE_ID from a worker's environment before
 * the preloads run; the cluster module, already loaded in a worker, still knows.)
 */
export function clusterWorkerIndex(env: Env, worker: () => { id: number } | undefined = currentWorker): number | undefined {
  const current = worker();
  if (current === undefined) return undefined;
  const pm2 = env.NODE_APP_INSTANCE;
  return pm2 !== undefined && /^\d+$/.test(pm2) ? Number(pm2) : current.id;
}

/**
 * Binds the exporter's own server (its /metrics handling and its shutdown) to `host:port` in this process
 * only. Settles as the exporter's startServer() does: resolves once listening, rejects with the error that
 * stopped it (a port still busy after RETRY_FOR_MS of retries, said once on stderr when they begin).
 */
export function listenInThisWorker(exporter: PrometheusExporter, host: string, port: number): Promise<void> {
  // exporter-prometheus creates its server in the constructor and does not pass `exclusive` to listen().
  const server = (exporter as unknown as { _server?: Server })._server;
  if (typeof server?.listen !== 'function') {
    log.warn(`cluster worker: @opentelemetry/exporter-prometheus has no server to bind exclusively; sharing ${host}:${port} with the other workers`);
    return exporter.startServer();
  }
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + RETRY_FOR_MS;
    let retrying = false;
    const attempt = (): void => {
      const onError = (error: NodeJS.ErrnoException): void => {
        server.off('listening', onListening);
        if (error.code !== 'EADDRINUSE' || Date.now() >= deadline) return reject(error);
        if (!retrying) log.warn(`cluster worker: ${host}:${port} is busy (the worker this one replaces?); retrying every ${RETRY_MS / 1000} s for ${RETRY_FOR_MS / 1000} s`);
        retrying = true;
        setTimeout(attempt, RETRY_MS).unref();
      };
      const onListening = (): void => {
        server.off('error', onError);
        if (retrying) log.warn(`cluster worker: now listening on ${host}:${port}`);
        resolve();
      };
      server.once('error', onError);
      server.once('listening', onListening);
      server.listen({ host, port, exclusive: true });
    };
    attempt();
  });
}
