// The HTTP server, the same for every API: reads a request, decides its fault, charges the rate
// limit, waits as the latency model says and writes the endpoint's JSON or SSE answer, with the
// headers and error shapes of the request's API (its dialect). Every wait listens to an abort
// signal fired by close() or by the client going away, so nothing outlives close().
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { ControlHeaderError, parseControls, type RequestControls } from './controls.js';
import { anthropic } from './dialects/anthropic.js';
import type { Dialect, ErrorReply, Headers } from './dialects/dialect.js';
import { gemini } from './dialects/gemini.js';
import { openai } from './dialects/openai.js';
import { planChat } from './endpoints/chat.js';
import { planCompletions } from './endpoints/completions.js';
import { planAudio } from './endpoints/audio.js';
import { planEmbeddings } from './endpoints/embeddings.js';
import { planEmbedContent, planGeminiCountTokens, planGenerateContent } from './endpoints/gemini.js';
import { planImages } from './endpoints/images.js';
import { planCountTokens, planMessages } from './endpoints/messages.js';
import { planModerations } from './endpoints/moderations.js';
import { chunksBeforeFailure, RequestError, truncatedJson, type Frame, type Plan, type RequestContext } from './endpoints/plan.js';
import { planResponses } from './endpoints/responses.js';
import { planSpeech } from './endpoints/speech.js';
import { errorLatency, planLatency, totalMs, type LatencyPlan } from './latency.js';
import { pngForId } from './media.js';
import { DEFAULT_RESPONSE_MODELS, LISTED_MODELS, modelTraits, responseModelFor } from './models.js';
import { isMultipart, parseMultipart } from './multipart.js';
import { PromptCacheStore } from './prompt-cache.js';
import { limitDetail, RateLimiter } from './rate-limits.js';
import { apiForPath, resolveRoute, type Api, type Route } from './routes.js';
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

/** The model of a request that names none, on the endpoints whose API has a default. */
const DEFAULT_MODELS: Partial<Record<Route['endpoint'], string>> = {
  image_generations: 'dall-e-2',
  image_edits: 'dall-e-2',
  image_variations: 'dall-e-2',
  moderations: 'omni-moderation-latest',
};

/** Salts of the independent per-request generators. */
const Stream = { RequestId: 0, Ids: 1, Latency: 2, Faults: 3 } as const;

const DIALECTS: Record<Api, Dialect> = { openai, anthropic, gemini };

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
  const promptCache = new PromptCacheStore();
  /** Attempts seen per x-sim-fault-id, for clients that send no retry count. */
  const attempts = new Map<string, number>();
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
    const url = new URL(req.url ?? '/', 'http://simulator');
    const route = resolveRoute(url.pathname);
    const dialect = DIALECTS[route?.api ?? apiForPath(url.pathname)];
    const base = dialect.baseHeaders(new Rng(mix(seed, n, Stream.RequestId)));
    try {
      await serve(req, res, n, url, route, dialect, base, signal);
    } catch (error) {
      if (signal.aborted || error instanceof Aborted || (error as Error)?.name === 'AbortError') {
        res.destroy();
        return;
      }
      // Never crash on a request: answer 500 if nothing was sent yet, else cut the connection.
      if (!res.headersSent) {
        sendError(res, dialect, { ...base, ...dialect.processingHeaders(0) }, dialect.internal(`Simulator error: ${(error as Error)?.message ?? String(error)}`));
      } else res.destroy();
    }
  }

  async function serve(req: IncomingMessage, res: ServerResponse, n: number, url: URL, route: Route | undefined, dialect: Dialect, base: Headers, signal: AbortSignal): Promise<void> {
    const method = req.method ?? 'GET';
    const raw = method === 'POST' ? await readBody(req, signal) : undefined;
    const now = Date.now();
    const unmetered = () => ({ ...base, ...dialect.rateLimitHeaders(limiter.peek('default', now), now), ...dialect.processingHeaders(0) });

    if (!route || route.method !== method) return sendError(res, dialect, unmetered(), dialect.routeNotFound(method, url.pathname));
    if (route.endpoint === 'health') return sendJson(res, 200, unmetered(), { status: 'ok', requests });
    let controls: RequestControls;
    try {
      controls = parseControls(req.headers);
    } catch (error) {
      if (!(error instanceof ControlHeaderError)) throw error;
      return sendError(res, dialect, unmetered(), dialect.badRequest(error.message, null, 'invalid_sim_header'));
    }
    if (route.endpoint === 'models' || route.endpoint === 'model') return sendJson(res, 200, unmetered(), modelsBody(route, responseModels));
    if (route.endpoint === 'image_file') return sendBytes(res, 200, unmetered(), 'image/png', pngForId(route.file!.slice(0, -'.png'.length)));
    const unauthenticated = dialect.authenticate(req.headers, url);
    if (unauthenticated) return sendError(res, dialect, unmetered(), unauthenticated);

    // POST endpoints.
    if (raw === undefined) throw new Error('POST without body');
    if (raw === null) return sendError(res, dialect, unmetered(), dialect.tooLarge(MAX_BODY_BYTES));
    let body: Record<string, unknown>;
    const contentType = req.headers['content-type'];
    if (isMultipart(contentType)) {
      try {
        body = await parseMultipart(raw, contentType);
      } catch (error) {
        return sendError(res, dialect, unmetered(), dialect.badRequest(`Could not parse multipart form data: ${(error as Error)?.message ?? String(error)}`));
      }
    } else {
      try {
        const parsed: unknown = JSON.parse(raw.toString('utf8'));
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new SyntaxError('not an object');
        body = parsed as Record<string, unknown>;
      } catch {
        return sendError(res, dialect, unmetered(), dialect.unparsableBody());
      }
    }
    // Gemini names the model in the path; Azure's deployment stands in for a missing one; the images and
    // moderations APIs have a default model.
    const model =
      route.api === 'gemini' ? route.modelId : typeof body.model === 'string' && body.model !== '' ? body.model : (route.deployment ?? DEFAULT_MODELS[route.endpoint]);
    if (!model) return sendError(res, dialect, unmetered(), dialect.missingModel());

    const latencyRng = new Rng(mix(seed, n, Stream.Latency));
    // Chosen before planning: response_incomplete and response_failed change the answer itself.
    const fault = chooseFault(controls, new Rng(mix(seed, n, Stream.Faults)));
    const ctx: RequestContext = {
      body,
      controls,
      requestModel: model,
      responseModel: controls.responseModel ?? responseModelFor(model, responseModels),
      traits: modelTraits(model),
      created: Math.floor(now / 1000),
      ids: new Rng(mix(seed, n, Stream.Ids)),
      content: new Rng(mix(seed, hashString(`${model}\u0000${JSON.stringify(body.file ?? body.messages ?? body.input ?? body.prompt ?? body.contents ?? body.requests ?? body.content ?? '')}`))),
      seed,
      promptCache,
      now,
      url: `http://${req.headers.host ?? `${host}:${(server.address() as AddressInfo).port}`}`,
      ...(fault ? { fault } : {}),
    };

    let plan: Plan;
    try {
      plan = planFor(route, ctx);
    } catch (error) {
      if (!(error instanceof RequestError)) throw error;
      await sleep(errorLatency(scale, controls, latencyRng), signal);
      return sendError(res, dialect, unmetered(), error.reply);
    }

    const retryAfter = controls.retryAfter ?? '0';
    // stream_error and response_failed fail a stream after its 200. A JSON answer gets the API's
    // failed status where it has one (responses, for response_failed), else its matching HTTP error.
    const failsAfter200 = plan.stream ? fault === 'stream_error' || fault === 'response_failed' : fault === 'response_failed' && plan.failed !== undefined;
    const faultReply = fault && !failsAfter200 ? dialect.fault(fault, model, retryAfter) : null;
    if (faultReply) {
      const ms = errorLatency(scale, controls, latencyRng);
      await sleep(ms, signal);
      return sendError(res, dialect, { ...base, ...dialect.rateLimitHeaders(limiter.peek(model, now), now), ...dialect.processingHeaders(ms) }, faultReply);
    }
    if (fault === 'hang') return waitForAbort(signal);
    if (fault === 'reset') {
      req.socket.destroy();
      return;
    }

    const charge = { input: plan.input, output: plan.output };
    const limit = limiter.take(model, charge, now);
    const limitHeaders = dialect.rateLimitHeaders(limit, now);
    if (limit.exceeded) {
      const seconds = String(Math.max(1, Math.ceil(limit.resetMs / 1000)));
      const reply = dialect.rateLimited(model, limit, limitDetail(limit, charge), controls.retryAfter ?? seconds);
      return sendError(res, dialect, { ...base, ...limitHeaders, ...dialect.processingHeaders(0) }, reply);
    }

    plan.answered?.();
    const latency = planLatency(plan.latency ?? ctx.traits.latency, plan.chunks, scale, controls, latencyRng);
    const headers: Record<string, string> = { ...base, ...limitHeaders };
    if (controls.reportedCost?.where === 'header') headers['x-litellm-response-cost'] = String(controls.reportedCost.usd);
    if (plan.stream) return sendStream(res, dialect, headers, plan, latency, fault, signal);
    if (plan.raw) return sendPieces(res, dialect, headers, plan.raw, latency, fault, signal);

    await sleep(totalMs(latency), signal);
    Object.assign(headers, dialect.processingHeaders(totalMs(latency)));
    if (fault === 'response_failed' && plan.failed) return sendJson(res, 200, headers, plan.failed.json());
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
      if (controls.faultTimes === undefined) return controls.fault;
      return attemptOf(controls) < controls.faultTimes ? controls.fault : undefined;
    }
    return FAULT_KINDS.find((kind, i) => draws[i]! < (faultProbabilities[kind] ?? 0));
  }

  /** 0 for a first attempt: the SDK's x-stainless-retry-count, else the earlier requests with the same x-sim-fault-id. */
  function attemptOf(controls: RequestControls): number {
    if (controls.retryCount !== undefined) return controls.retryCount;
    if (controls.faultId === undefined) return 0;
    const seen = attempts.get(controls.faultId) ?? 0;
    attempts.set(controls.faultId, seen + 1);
    return seen;
  }

  async function sendStream(res: ServerResponse, dialect: Dialect, headers: Headers, plan: Plan, latency: LatencyPlan, fault: FaultKind | undefined, signal: AbortSignal): Promise<void> {
    const frames = plan.frames();
    const contentIndexes = frames.flatMap((f, i) => (f.content ? [i] : []));
    // malformed_json: the second content frame (or the first) becomes invalid JSON.
    // stream_cut / stream_error / response_failed: the connection dies, or the API's error event
    // (responses: response.failed) ends the stream, right after the middle content frame.
    const target = contentIndexes[Math.min(1, contentIndexes.length - 1)] ?? frames.length - 1;
    const cutAfter = contentIndexes[chunksBeforeFailure(contentIndexes.length) - 1] ?? 0;
    const end = dialect.lineEnd;
    const write = (frame: Frame) => res.write(`${frame.event ? `event: ${frame.event}${end}` : ''}data: ${frame.data}${end}${end}`);
    await sleep(latency.ttfcMs, signal);
    res.writeHead(200, { ...headers, ...dialect.processingHeaders(latency.ttfcMs), 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    // The headers leave now, not with the first frame (a stream whose first frame is content waits for it).
    res.flushHeaders();
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
      write(frame);
      if (fault === 'stream_cut' && i === cutAfter) {
        await sleep(5, signal);
        res.destroy();
        return;
      }
      if ((fault === 'stream_error' || fault === 'response_failed') && i === cutAfter) {
        write(fault === 'response_failed' && plan.failed ? plan.failed.frame(i + 1) : plan.errorFrame(i + 1));
        break;
      }
    }
    res.end();
  }

  /**
   * A non-JSON answer (speech audio, a text transcript): headers after the time to first chunk, then each piece
   * after its chunk time. stream_cut drops the connection after the middle piece; malformed_json ends the body
   * after half of its bytes (a truncated file: the client cannot tell).
   */
  async function sendPieces(res: ServerResponse, dialect: Dialect, headers: Headers, raw: NonNullable<Plan['raw']>, latency: LatencyPlan, fault: FaultKind | undefined, signal: AbortSignal): Promise<void> {
    let pieces = raw.chunks();
    if (fault === 'malformed_json') {
      const all = Buffer.concat(pieces);
      pieces = [all.subarray(0, Math.floor(all.length / 2))];
    }
    const cutAfter = chunksBeforeFailure(pieces.length) - 1;
    await sleep(latency.ttfcMs, signal);
    res.writeHead(200, { ...headers, ...dialect.processingHeaders(latency.ttfcMs), 'content-type': raw.contentType });
    res.flushHeaders();
    const start = performance.now();
    let deadline = 0;
    for (let i = 0; i < pieces.length; i++) {
      // The last piece comes when the whole answer is generated, however many chunks it stands for.
      deadline = i === pieces.length - 1 ? latency.chunkMs.reduce((a, b) => a + b, 0) : deadline + (latency.chunkMs[i] ?? 0);
      await sleep(deadline - (performance.now() - start), signal);
      res.write(pieces[i]);
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

function planFor(route: Route, ctx: RequestContext): Plan {
  switch (route.endpoint) {
    case 'chat':
      return planChat(ctx);
    case 'responses':
      return planResponses(ctx);
    case 'completions':
      return planCompletions(ctx);
    case 'embeddings':
      return planEmbeddings(ctx);
    case 'messages':
      return planMessages(ctx);
    case 'count_tokens':
      return planCountTokens(ctx);
    case 'generate_content':
      return planGenerateContent(ctx, false);
    case 'stream_generate_content':
      return planGenerateContent(ctx, true);
    case 'embed_content':
      return planEmbedContent(ctx, false);
    case 'batch_embed_contents':
      return planEmbedContent(ctx, true);
    case 'gemini_count_tokens':
      return planGeminiCountTokens(ctx);
    case 'image_generations':
      return planImages(ctx, 'generations');
    case 'image_edits':
      return planImages(ctx, 'edits');
    case 'image_variations':
      return planImages(ctx, 'variations');
    case 'transcriptions':
      return planAudio(ctx, 'transcriptions');
    case 'translations':
      return planAudio(ctx, 'translations');
    case 'speech':
      return planSpeech(ctx);
    case 'moderations':
      return planModerations(ctx);
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

function sendBytes(res: ServerResponse, status: number, headers: Headers, contentType: string, bytes: Buffer): void {
  res.writeHead(status, { ...headers, 'content-type': contentType, 'content-length': String(bytes.length) });
  res.end(bytes);
}

function sendJson(res: ServerResponse, status: number, headers: Headers, body: unknown): void {
  sendRaw(res, status, headers, JSON.stringify(body));
}

function sendError(res: ServerResponse, dialect: Dialect, headers: Headers, reply: ErrorReply): void {
  const all = { ...headers, ...reply.headers };
  sendJson(res, reply.status, all, dialect.errorBody(reply.body, all));
}
