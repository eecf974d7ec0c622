// The HTTP server: reads a request, decides its fault, charges the rate limit, waits as the
// latency model says and writes the endpoint's JSON or SSE answer. Every wait listens to an
// abort signal fired by close() or by the client going away, so nothing outlives close().
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { ControlHeaderError, parseControls, type RequestControls } from './controls.js';
import { planChat } from './endpoints/chat.js';
import { planCompletions } from './endpoints/completions.js';
import { planEmbeddings } from './endpoints/embeddings.js';
import { RequestError, truncatedJson, type Frame, type Plan, type RequestContext } from './endpoints/plan.js';
import { planResponses } from './endpoints/responses.js';
import { badRequest, faultError, invalidUrl, rateLimited, unparsableBody, type ErrorReply } from './errors.js';
import { errorLatency, planLatency, totalMs, type LatencyPlan } from './latency.js';
import { DEFAULT_RESPONSE_MODELS, LISTED_MODELS, modelTraits, responseModelFor } from './models.js';
import { RateLimiter } from './rate-limits.js';
import { resolveRoute, type Route } from './routes.js';
import { hashString, mix, Rng } from './rng.js';
import { FAULT_KINDS, type FaultKind, type Simulator, type SimulatorOptions } from './types.js';

const MAX_BODY_BYTES = 16 * 1024 * 1024;
/**
 * A malformed SSE frame keeps this many leading characters of its JSON: a fixed cut inside the
 * leading id/type string, so the parse error is the same whatever optional fields the request
 * added to the frame (usage: null with include_usage, for instance).
 */
const MALFORMED_FRAME_CHARS = 24;
/** `created` of the listed models: any fixed past timestamp. */
const MODEL_CREATED = 1_700_000_000;

/** Salts of the independent per-request generators. */
const Stream = { RequestId: 0, Ids: 1, Latency: 2, Faults: 3 } as const;

type Headers = Record<string, string>;

class Aborted extends Error {}

function validateOptions(options: SimulatorOptions): void {
  const { port, seed, latencyScale, faults } = options;
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new RangeError(`port must be an integer 0-65535, got ${port}`);
  if (seed !== undefined && !Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  if (latencyScale !== undefined && !(Number.isFinite(latencyScale) && latencyScale >= 0)) throw new RangeError(`latencyScale must be >= 0, got ${latencyScale}`);
  for (const [kind, p] of Object.entries(faults ?? {})) {
    if (!(FAULT_KINDS as readonly string[]).includes(kind)) throw new RangeError(`unknown fault kind '${kind}' (known: ${FAULT_KINDS.join(', ')})`);
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`fault probability of '${kind}' must be within 0..1, got ${p}`);
  }
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  validateOptions(options);
  const host = options.host ?? '127.0.0.1';
  const seed = options.seed ?? 1;
  const scale = options.latencyScale ?? 1;
  const faultProbabilities = options.faults ?? {};
  const responseModels = { ...DEFAULT_RESPONSE_MODELS, ...options.responseModels };
  const limiter = new RateLimiter(options.rateLimits);
  const closing = new AbortController();
  const sockets = new Set<Socket>();
  let requests = 0;

  const server = createServer({ noDelay: true }, (req, res) => {
    const n = ++requests;
    handle(req, res, n).catch(() => res.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse, n: number): Promise<void> {
    const requestAbort = new AbortController();
    res.on('close', () => requestAbort.abort());
    const signal = AbortSignal.any([closing.signal, requestAbort.signal]);
    const base: Headers = {
      'x-request-id': `req_${new Rng(mix(seed, n, Stream.RequestId)).hex(32)}`,
      'openai-version': '2020-10-01',
      'openai-organization': 'org-simulator',
    };
    try {
      await serve(req, res, n, base, signal);
    } catch (error) {
      if (signal.aborted || error instanceof Aborted || (error as Error)?.name === 'AbortError') {
        res.destroy();
        return;
      }
      // Never crash on a request: answer 500 if nothing was sent yet, else cut the connection.
      if (!res.headersSent) {
        sendJson(res, 500, { ...base, 'openai-processing-ms': '0' }, { error: { message: `Simulator error: ${(error as Error)?.message ?? String(error)}`, type: 'server_error', param: null, code: null } });
      } else res.destroy();
    }
  }

  async function serve(req: IncomingMessage, res: ServerResponse, n: number, base: Headers, signal: AbortSignal): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const route = resolveRoute(url.pathname);
    const method = req.method ?? 'GET';
    const raw = method === 'POST' ? await readBody(req, signal) : undefined;
    const now = Date.now();
    const unmetered = () => limiter.headers(limiter.peek('default', now));

    if (!route || route.method !== method) {
      return sendError(res, { ...base, ...unmetered(), 'openai-processing-ms': '0' }, invalidUrl(method, url.pathname));
    }
    if (route.endpoint === 'health') {
      return sendJson(res, 200, { ...base, ...unmetered(), 'openai-processing-ms': '0' }, { status: 'ok', requests });
    }
    let controls: RequestControls;
    try {
      controls = parseControls(req.headers);
    } catch (error) {
      if (!(error instanceof ControlHeaderError)) throw error;
      return sendError(res, { ...base, ...unmetered(), 'openai-processing-ms': '0' }, badRequest(error.message, null, 'invalid_sim_header'));
    }
    if (route.endpoint === 'models' || route.endpoint === 'model') {
      return sendJson(res, 200, { ...base, ...unmetered(), 'openai-processing-ms': '0' }, modelsBody(route, responseModels));
    }

    // POST endpoints.
    if (raw === undefined) throw new Error('POST without body');
    if (raw === null) {
      return sendError(res, { ...base, ...unmetered(), 'openai-processing-ms': '0' }, { status: 413, body: { error: { message: `Request body exceeds ${MAX_BODY_BYTES} bytes.`, type: 'invalid_request_error', param: null, code: null } } });
    }
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(raw.toString('utf8'));
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new SyntaxError('not an object');
      body = parsed as Record<string, unknown>;
    } catch {
      return sendError(res, { ...base, ...unmetered(), 'openai-processing-ms': '0' }, unparsableBody());
    }
    const model = typeof body.model === 'string' && body.model !== '' ? body.model : route.deployment;
    if (!model) {
      return sendError(res, { ...base, ...unmetered(), 'openai-processing-ms': '0' }, badRequest('you must provide a model parameter', 'model', 'missing_required_parameter'));
    }

    const latencyRng = new Rng(mix(seed, n, Stream.Latency));
    const faultRng = new Rng(mix(seed, n, Stream.Faults));
    const ctx: RequestContext = {
      body,
      controls,
      requestModel: model,
      responseModel: controls.responseModel ?? responseModelFor(model, responseModels),
      traits: modelTraits(model),
      created: Math.floor(now / 1000),
      ids: new Rng(mix(seed, n, Stream.Ids)),
      content: new Rng(mix(seed, hashString(`${model}\u0000${JSON.stringify(body.messages ?? body.input ?? body.prompt ?? '')}`))),
    };

    let plan: Plan;
    try {
      plan = planFor(route, ctx, seed);
    } catch (error) {
      if (!(error instanceof RequestError)) throw error;
      await sleep(errorLatency(scale, controls, latencyRng), signal);
      return sendError(res, { ...base, ...unmetered(), 'openai-processing-ms': '0' }, error.reply);
    }

    const fault = chooseFault(controls, faultRng);
    const retryAfter = controls.retryAfter ?? '0';
    const faultReply = fault ? faultError(fault, model, retryAfter) : null;
    if (faultReply) {
      const ms = errorLatency(scale, controls, latencyRng);
      await sleep(ms, signal);
      return sendError(res, { ...base, ...limiter.headers(limiter.peek(model, now)), 'openai-processing-ms': String(ms) }, faultReply);
    }
    if (fault === 'hang') return waitForAbort(signal);
    if (fault === 'reset') {
      req.socket.destroy();
      return;
    }

    const limit = limiter.take(model, plan.tokens, now);
    const limitHeaders = limiter.headers(limit);
    if (limit.exceeded) {
      const seconds = String(Math.max(1, Math.ceil(limit.resetMs / 1000)));
      const used = limit.exceeded === 'requests' ? `Limit ${limit.limit.requests}, Used ${limit.limit.requests - limit.remainingRequests}, Requested 1` : `Limit ${limit.limit.tokens}, Used ${limit.limit.tokens - limit.remainingTokens}, Requested ${plan.tokens}`;
      const reply = rateLimited(model, limit.exceeded, used, controls.retryAfter ?? seconds);
      return sendError(res, { ...base, ...limitHeaders, 'openai-processing-ms': '0' }, reply);
    }

    const latency = planLatency(ctx.traits.latency, plan.chunks, scale, controls, latencyRng);
    const headers = { ...base, ...limitHeaders };
    if (plan.stream) return sendStream(res, headers, plan.frames(), latency, fault, signal);

    await sleep(totalMs(latency), signal);
    headers['openai-processing-ms'] = String(totalMs(latency));
    if (fault === 'malformed_json') return sendRaw(res, 200, headers, truncatedJson(plan.json()));
    if (fault === 'stream_cut') {
      const text = JSON.stringify(plan.json());
      res.writeHead(200, { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
      res.write(text.slice(0, Math.floor(text.length / 2)));
      // Let the partial body reach the client before the socket goes.
      await sleep(5, signal);
      res.destroy();
      return;
    }
    return sendJson(res, 200, headers, plan.json());
  }

  function chooseFault(controls: RequestControls, rng: Rng): FaultKind | undefined {
    // Always draw one number per kind so later requests see the same randomness either way.
    const draws = FAULT_KINDS.map(() => rng.next());
    if (controls.fault) {
      return controls.faultTimes === undefined || controls.retryCount < controls.faultTimes ? controls.fault : undefined;
    }
    return FAULT_KINDS.find((kind, i) => draws[i]! < (faultProbabilities[kind] ?? 0));
  }

  async function sendStream(res: ServerResponse, headers: Headers, frames: Frame[], latency: LatencyPlan, fault: FaultKind | undefined, signal: AbortSignal): Promise<void> {
    const contentIndexes = frames.flatMap((f, i) => (f.content ? [i] : []));
    // malformed_json: the second content frame (or the first) becomes invalid JSON.
    // stream_cut: the connection dies right after the middle content frame.
    const target = contentIndexes[Math.min(1, contentIndexes.length - 1)] ?? frames.length - 1;
    const cutAfter = contentIndexes[Math.floor((contentIndexes.length - 1) / 2)] ?? 0;
    await sleep(latency.ttfcMs, signal);
    res.writeHead(200, { ...headers, 'openai-processing-ms': String(latency.ttfcMs), 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    // Chunks are paced against absolute deadlines so timer overshoot does not accumulate.
    const start = performance.now();
    let deadline = 0;
    let chunk = 0;
    for (let i = 0; i < frames.length; i++) {
      let frame = frames[i]!;
      if (frame.content) {
        deadline += latency.chunkMs[chunk++] ?? 0;
        await sleep(deadline - (performance.now() - start), signal);
      }
      if (fault === 'malformed_json' && i === target) frame = { ...frame, data: frame.data.slice(0, MALFORMED_FRAME_CHARS) };
      res.write(`${frame.event ? `event: ${frame.event}\n` : ''}data: ${frame.data}\n\n`);
      if (fault === 'stream_cut' && i === cutAfter) {
        await sleep(5, signal);
        res.destroy();
        return;
      }
    }
    res.end();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closed: Promise<void> | undefined;

  return {
    url,
    baseURL: `${url}/v1`,
    port,
    get requests() {
      return requests;
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      });
      return closed;
    },
  };
}

function planFor(route: Route, ctx: RequestContext, seed: number): Plan {
  switch (route.endpoint) {
    case 'chat':
      return planChat(ctx);
    case 'responses':
      return planResponses(ctx);
    case 'completions':
      return planCompletions(ctx);
    case 'embeddings':
      return planEmbeddings(ctx, seed);
    default:
      throw new Error(`not a POST endpoint: ${route.endpoint}`);
  }
}

function modelsBody(route: Route, responseModels: Record<string, string>): unknown {
  const entry = (id: string) => ({ id, object: 'model', created: MODEL_CREATED, owned_by: 'system' });
  if (route.endpoint === 'model') return entry(route.modelId ?? '');
  const ids = [...new Set([...LISTED_MODELS, ...Object.keys(responseModels)])].sort();
  return { object: 'list', data: ids.map(entry) };
}

/** The request body, or null when it exceeds MAX_BODY_BYTES. */
async function readBody(req: IncomingMessage, signal: AbortSignal): Promise<Buffer | null> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of req as AsyncIterable<Buffer>) {
    if (signal.aborted) throw new Aborted();
    size += part.length;
    if (size > MAX_BODY_BYTES) return null;
    parts.push(part);
  }
  return Buffer.concat(parts);
}

async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) throw new Aborted();
  if (ms > 0) await sleepFor(ms, undefined, { signal });
}

function waitForAbort(signal: AbortSignal): Promise<void> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(new Aborted());
    else signal.addEventListener('abort', () => reject(new Aborted()), { once: true });
  });
}

function sendRaw(res: ServerResponse, status: number, headers: Headers, text: string): void {
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

function sendJson(res: ServerResponse, status: number, headers: Headers, body: unknown): void {
  sendRaw(res, status, headers, JSON.stringify(body));
}

function sendError(res: ServerResponse, headers: Headers, reply: ErrorReply): void {
  sendJson(res, reply.status, { ...headers, ...reply.headers }, reply.body);
}
