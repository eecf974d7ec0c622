// Gemini's generateContent, streamGenerateContent (?alt=sse), embedContent/batchEmbedContents and
// countTokens through the real @google/genai SDK over real HTTP: usageMetadata (thoughts, cached
// content), modelVersion, finishReason, JSON mode, forced function calls, every fault as the SDK's
// ApiError with Google's status, retries and rate limits. Wire shapes follow ai.google.dev.
import { ApiError, GoogleGenAI, Type, type GenerateContentResponse } from '@google/genai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type FaultKind, type Simulator, type SimulatorOptions } from '../src/index.js';
import { parseSse } from './helpers.js';

let sim: Simulator;
let ai: GoogleGenAI;
beforeAll(async () => {
  sim = await startSimulator({ latencyScale: 0 });
  ai = new GoogleGenAI({ apiKey: 'gemini-test-key', httpOptions: { baseUrl: sim.url } });
});
afterAll(() => sim.close());

const FLASH = 'gemini-2.5-flash';
/** geminiPromptTokens of 'hello there': ceil(11 / 4). */
const HELLO_TOKENS = 3;
const withHeaders = (headers: Record<string, string>) => ({ httpOptions: { headers } });

async function withSim<T>(options: SimulatorOptions, run: (sim: Simulator, ai: GoogleGenAI) => Promise<T>): Promise<T> {
  const own = await startSimulator({ latencyScale: 0, ...options });
  try {
    return await run(own, new GoogleGenAI({ apiKey: 'gemini-test-key', httpOptions: { baseUrl: own.url } }));
  } finally {
    await own.close();
  }
}

function rawPost(path: string, body: unknown, headers: Record<string, string> = { 'x-goog-api-key': 'k' }) {
  return fetch(`${sim.url}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
}

async function errorOf(promise: Promise<unknown>): Promise<ApiError & { body: { error: { code: number; message: string; status: string; details?: unknown[] } } }> {
  const error = await promise.catch((e: unknown) => e);
  if (!(error instanceof ApiError)) throw new Error(`expected ApiError, got ${String(error)}`);
  // An HTTP error's message is the body; an error chunk's is prefixed with "got status: NAME. ".
  return Object.assign(error, { body: JSON.parse(error.message.slice(error.message.indexOf('{'))) });
}

describe('generateContent', () => {
  it('answers candidates, finishReason STOP, modelVersion, responseId and usageMetadata with thoughts (2.5 Flash thinks by default)', async () => {
    const res = await ai.models.generateContent({ model: FLASH, contents: 'hello there' });
    expect(res.text!.split(' ')).toHaveLength(60);
    expect(res.candidates![0]!.finishReason).toBe('STOP');
    expect(res.candidates![0]!.content!.role).toBe('model');
    expect(res.modelVersion).toBe(FLASH);
    expect(res.responseId).toMatch(/^[A-Za-z0-9]{22}$/);
    expect(res.usageMetadata).toEqual({
      promptTokenCount: HELLO_TOKENS,
      candidatesTokenCount: 60,
      thoughtsTokenCount: 64,
      totalTokenCount: HELLO_TOKENS + 60 + 64,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: HELLO_TOKENS }],
    });
    // The Gemini API sends no rate-limit headers.
    const headerNames = Object.keys(res.sdkHttpResponse!.headers!);
    expect(headerNames).toContain('server-timing');
    expect(headerNames.some((h) => h.includes('ratelimit'))).toBe(false);
  });

  it('thinks per model and thinkingBudget: none for 2.0 Flash or budget 0, more for 2.5 Pro, capped by the budget', async () => {
    const noThinking = await ai.models.generateContent({ model: FLASH, contents: 'hello there', config: { thinkingConfig: { thinkingBudget: 0 } } });
    expect(noThinking.usageMetadata!.thoughtsTokenCount).toBeUndefined();
    expect(noThinking.usageMetadata!.totalTokenCount).toBe(HELLO_TOKENS + 60);
    expect((await ai.models.generateContent({ model: 'gemini-2.0-flash', contents: 'hi' })).usageMetadata!.thoughtsTokenCount).toBeUndefined();
    expect((await ai.models.generateContent({ model: 'gemini-2.5-pro', contents: 'hi' })).usageMetadata!.thoughtsTokenCount).toBe(192);
    expect((await ai.models.generateContent({ model: 'gemini-2.5-pro', contents: 'hi', config: { thinkingConfig: { thinkingBudget: 100 } } })).usageMetadata!.thoughtsTokenCount).toBe(100);
  });

  it('stops at maxOutputTokens with finishReason MAX_TOKENS', async () => {
    const res = await ai.models.generateContent({ model: FLASH, contents: 'hello there', config: { maxOutputTokens: 20, thinkingConfig: { thinkingBudget: 0 } } });
    expect(res.candidates![0]!.finishReason).toBe('MAX_TOKENS');
    expect(res.usageMetadata!.candidatesTokenCount).toBe(20);
  });

  it('takes exact usage from x-sim-usage: cached inside the prompt, thoughts outside candidates', async () => {
    const res = await ai.models.generateContent({ model: FLASH, contents: 'hello there', config: withHeaders({ 'x-sim-usage': 'prompt=500,cached=100,completion=40,reasoning=10' }) });
    expect(res.usageMetadata).toEqual({
      promptTokenCount: 500,
      candidatesTokenCount: 30,
      thoughtsTokenCount: 10,
      totalTokenCount: 540,
      cachedContentTokenCount: 100,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: 500 }],
      cacheTokensDetails: [{ modality: 'TEXT', tokenCount: 100 }],
    });
  });

  it('reports cached tokens for a cachedContent and for long prompts (implicit caching)', async () => {
    const cached = await ai.models.generateContent({ model: FLASH, contents: 'hello there', config: { cachedContent: 'cachedContents/abc123' } });
    expect(cached.usageMetadata!.cachedContentTokenCount).toBe(4096);
    expect(cached.usageMetadata!.promptTokenCount).toBe(4096 + HELLO_TOKENS);
    const long = await ai.models.generateContent({ model: FLASH, contents: 'context '.repeat(800) });
    expect(long.usageMetadata!.cachedContentTokenCount).toBe(Math.floor(long.usageMetadata!.promptTokenCount! / 2 / 128) * 128);
  });

  it('answers JSON valid against a responseSchema (Type enum) and forced function calls', async () => {
    const json = await ai.models.generateContent({
      model: FLASH,
      contents: 'weather?',
      config: { responseMimeType: 'application/json', responseSchema: { type: Type.OBJECT, properties: { city: { type: Type.STRING }, days: { type: Type.INTEGER } }, required: ['city', 'days'] } },
    });
    const parsed = JSON.parse(json.text!);
    expect(typeof parsed.city).toBe('string');
    expect(Number.isInteger(parsed.days)).toBe(true);
    const call = await ai.models.generateContent({
      model: FLASH,
      contents: 'weather?',
      config: {
        tools: [{ functionDeclarations: [{ name: 'get_weather', parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }] }],
        toolConfig: { functionCallingConfig: { mode: 'ANY' as never } },
      },
    });
    expect(call.functionCalls![0]!.name).toBe('get_weather');
    expect(Object.keys(call.functionCalls![0]!.args!)).toEqual(['city']);
  });

  it('counts tokens', async () => {
    expect((await ai.models.countTokens({ model: FLASH, contents: 'hello there' })).totalTokens).toBe(HELLO_TOKENS);
  });
});

describe('generateContentStream', () => {
  it('streams chunks with running usage; the last one has finishReason and the final usage; text equals the JSON answer', async () => {
    const json = await ai.models.generateContent({ model: FLASH, contents: 'hello there' });
    const stream = await ai.models.generateContentStream({ model: FLASH, contents: 'hello there', config: withHeaders({ 'x-sim-chunks': '4' }) });
    const chunks: GenerateContentResponse[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks).toHaveLength(4);
    expect(chunks.map((c) => c.text).join('')).toBe(json.text);
    expect(chunks.slice(0, 3).every((c) => c.candidates![0]!.finishReason === undefined)).toBe(true);
    expect(chunks[3]!.candidates![0]!.finishReason).toBe('STOP');
    expect(chunks.map((c) => c.usageMetadata!.candidatesTokenCount)).toEqual([15, 30, 45, 60]);
    expect(chunks[3]!.usageMetadata).toEqual(json.usageMetadata);
    expect(new Set(chunks.map((c) => c.responseId)).size).toBe(1);
    expect(chunks.every((c) => c.modelVersion === FLASH)).toBe(true);
  });

  it('puts data-only SSE frames with CRLF line ends on the wire for ?alt=sse', async () => {
    const res = await rawPost(`/v1beta/models/${FLASH}:streamGenerateContent?alt=sse`, { contents: [{ role: 'user', parts: [{ text: 'hello there' }] }] }, { 'x-goog-api-key': 'k', 'x-sim-chunks': '3' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await res.text();
    expect(text.endsWith('\r\n\r\n')).toBe(true);
    const frames = parseSse(text);
    expect(frames).toHaveLength(3);
    expect(frames.every((f) => f.event === undefined)).toBe(true);
    expect(JSON.parse(frames[2]!.data).candidates[0].finishReason).toBe('STOP');
  });

  it('paces chunks with the latency model and reports server-timing', async () => {
    const started = performance.now();
    const stream = await ai.models.generateContentStream({ model: FLASH, contents: 'hi', config: withHeaders({ 'x-sim-latency-ms': 'ttfc=150,chunk=20', 'x-sim-chunks': '5' }) });
    let first = 0;
    let timing: string | undefined;
    for await (const chunk of stream) {
      first ||= performance.now() - started;
      timing = chunk.sdkHttpResponse?.headers?.['server-timing'];
    }
    expect(first).toBeGreaterThanOrEqual(145);
    expect(performance.now() - started).toBeGreaterThanOrEqual(245);
    expect(timing).toBe('gfet4t7; dur=150');
  });
});

describe('embedContent', () => {
  it('embeds several contents through batchEmbedContents: unit vectors, equal inputs equal, usageMetadata, outputDimensionality', async () => {
    const res = await ai.models.embedContent({ model: 'gemini-embedding-001', contents: ['hello there', 'ab', 'hello there'] });
    expect(res.embeddings).toHaveLength(3);
    const [a, b, c] = res.embeddings!.map((e) => e.values!);
    expect(a).toHaveLength(8);
    expect(Math.abs(Math.hypot(...a!) - 1)).toBeLessThan(1e-5);
    expect(a).toEqual(c);
    expect(a).not.toEqual(b);
    expect(res.usageMetadata).toMatchObject({ promptTokenCount: 3 + 1 + 3 });
    const small = await ai.models.embedContent({ model: 'gemini-embedding-001', contents: 'hello there', config: { outputDimensionality: 3 } });
    expect(small.embeddings![0]!.values).toHaveLength(3);
  });

  it('serves the single embedContent method on the wire', async () => {
    const res = await rawPost('/v1beta/models/text-embedding-004:embedContent', { content: { parts: [{ text: 'hello there' }] } });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.embedding.values).toHaveLength(8);
    expect(body.usageMetadata).toEqual({ promptTokenCount: 3, promptTokenDetails: [{ modality: 'TEXT', tokenCount: 3 }] });
  });
});

describe('errors and faults', () => {
  const cases: Array<[FaultKind, number, string]> = [
    ['rate_limit', 429, 'RESOURCE_EXHAUSTED'],
    ['server_error', 500, 'INTERNAL'],
    ['service_unavailable', 503, 'UNAVAILABLE'],
    ['stream_error', 503, 'UNAVAILABLE'],
    ['unauthorized', 400, 'INVALID_ARGUMENT'],
    ['forbidden', 403, 'PERMISSION_DENIED'],
    ['bad_request', 400, 'INVALID_ARGUMENT'],
    ['not_found', 404, 'NOT_FOUND'],
    ['insufficient_quota', 429, 'RESOURCE_EXHAUSTED'],
    ['payment_required', 402, 'RESOURCE_EXHAUSTED'],
    ['response_failed', 503, 'UNAVAILABLE'],
  ];
  for (const [kind, status, name] of cases) {
    it(`${kind} -> ApiError ${status} ${name}`, async () => {
      const error = await errorOf(ai.models.generateContent({ model: FLASH, contents: 'hi', config: withHeaders({ 'x-sim-fault': kind }) }));
      expect(error.status).toBe(status);
      expect(error.body.error).toMatchObject({ code: status, status: name, message: expect.any(String) });
    });
  }

  it('rate_limit carries RetryInfo; unauthorized is API_KEY_INVALID; not_found names the model', async () => {
    const limited = await errorOf(ai.models.generateContent({ model: FLASH, contents: 'hi', config: withHeaders({ 'x-sim-fault': 'rate_limit', 'x-sim-retry-after': '7' }) }));
    expect(limited.body.error.details).toContainEqual({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '7s' });
    const badKey = await errorOf(ai.models.generateContent({ model: FLASH, contents: 'hi', config: withHeaders({ 'x-sim-fault': 'unauthorized' }) }));
    expect(badKey.body.error.details).toContainEqual(expect.objectContaining({ reason: 'API_KEY_INVALID' }));
    const missing = await errorOf(ai.models.generateContent({ model: 'gemini-9', contents: 'hi', config: withHeaders({ 'x-sim-fault': 'not_found' }) }));
    expect(missing.body.error.message).toContain('models/gemini-9 is not found');
  });

  it('insufficient_quota is the spending cap: a 429 without RetryInfo; payment_required is the 402 of depleted prepaid credits', async () => {
    const capped = await rawPost(`/v1beta/models/${FLASH}:generateContent`, { contents: 'hi' }, { 'x-goog-api-key': 'k', 'x-sim-fault': 'insufficient_quota' });
    expect(capped.status).toBe(429);
    expect(await capped.json()).toEqual({
      error: {
        code: 429,
        message: 'Your billing account has exceeded its monthly spending cap. Please go to AI Studio at https://aistudio.google.com to manage your billing. Learn more at https://ai.google.dev/gemini-api/docs/billing.',
        status: 'RESOURCE_EXHAUSTED',
      },
    });
    const depleted = await rawPost(`/v1beta/models/${FLASH}:generateContent`, { contents: 'hi' }, { 'x-goog-api-key': 'k', 'x-sim-fault': 'payment_required' });
    expect(depleted.status).toBe(402);
    expect(await depleted.json()).toEqual({
      error: {
        code: 402,
        message: 'Your prepayment credits are depleted. Please go to AI Studio at https://ai.studio/projects to manage your project and billing. Learn more at https://ai.google.dev/gemini-api/docs/billing#prepay.',
        status: 'RESOURCE_EXHAUSTED',
      },
    });
  });

  it('retryOptions retry the 429 of insufficient_quota but not the 402 of payment_required', async () => {
    await withSim({}, async (own, client) => {
      const retrying = { retryOptions: { attempts: 3, initialDelay: 0.01, maxDelay: 0.02 } };
      const call = (kind: FaultKind) => errorOf(client.models.generateContent({ model: FLASH, contents: 'hi', config: { httpOptions: { ...retrying, headers: { 'x-sim-fault': kind } } } }));
      expect((await call('insufficient_quota')).status).toBe(429);
      expect(own.requests).toBe(3);
      expect((await call('payment_required')).status).toBe(402);
      expect(own.requests).toBe(4);
    });
  });

  it('response_incomplete stops the answer half way with finishReason MAX_TOKENS, JSON and stream', async () => {
    const res = await ai.models.generateContent({ model: 'gemini-2.0-flash', contents: 'hi', config: withHeaders({ 'x-sim-fault': 'response_incomplete' }) });
    expect([res.candidates![0]!.finishReason, res.usageMetadata?.candidatesTokenCount]).toEqual(['MAX_TOKENS', 30]);
    let last: GenerateContentResponse | undefined;
    for await (const chunk of await ai.models.generateContentStream({ model: 'gemini-2.0-flash', contents: 'hi', config: withHeaders({ 'x-sim-fault': 'response_incomplete' }) })) last = chunk;
    expect([last?.candidates?.[0]?.finishReason, last?.usageMetadata?.candidatesTokenCount]).toEqual(['MAX_TOKENS', 30]);
  });

  it('needs an API key (x-goog-api-key or ?key=) and contents, as the API does', async () => {
    const noKey = await rawPost(`/v1beta/models/${FLASH}:generateContent`, { contents: 'hi' }, {});
    expect(noKey.status).toBe(403);
    expect((await noKey.json()).error.status).toBe('PERMISSION_DENIED');
    const queryKey = await rawPost(`/v1beta/models/${FLASH}:generateContent?key=abc`, { contents: [{ parts: [{ text: 'hi' }] }] }, {});
    expect(queryKey.status).toBe(200);
    const noContents = await rawPost(`/v1beta/models/${FLASH}:generateContent`, {});
    expect(noContents.status).toBe(400);
    expect((await noContents.json()).error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    const unknownMethod = await rawPost(`/v1beta/models/${FLASH}:predictLongRunning`, {});
    expect(unknownMethod.status).toBe(404);
    expect((await unknownMethod.json()).error.status).toBe('NOT_FOUND');
  });

  it('stream_error: an error chunk after some chunks makes the iterator throw ApiError 503', async () => {
    const stream = await ai.models.generateContentStream({ model: FLASH, contents: 'hi', config: withHeaders({ 'x-sim-fault': 'stream_error', 'x-sim-chunks': '6' }) });
    const seen: string[] = [];
    const error = await errorOf(
      (async () => {
        for await (const chunk of stream) seen.push(chunk.text ?? '');
      })(),
    );
    expect(error.status).toBe(503);
    expect(error.body.error).toMatchObject({ code: 503, status: 'UNAVAILABLE' });
    expect(seen).toHaveLength(3);
  });

  it('stream_cut ends the iteration with an error after some chunks; malformed_json with a parse error', async () => {
    const consume = async (fault: FaultKind) => {
      const stream = await ai.models.generateContentStream({ model: FLASH, contents: 'hi', config: withHeaders({ 'x-sim-fault': fault, 'x-sim-chunks': '6' }) });
      const seen: unknown[] = [];
      const error = await (async () => {
        for await (const chunk of stream) seen.push(chunk);
      })().catch((e: unknown) => e);
      return { seen: seen.length, error: error as Error };
    };
    const cut = await consume('stream_cut');
    expect(cut.error).toBeInstanceOf(Error);
    expect(cut.seen).toBe(3);
    const malformed = await consume('malformed_json');
    expect(malformed.error).toBeInstanceOf(Error);
    expect(malformed.seen).toBe(1);
  });

  it('hang -> the client timeout aborts; reset -> a fetch error', async () => {
    await expect(ai.models.generateContent({ model: FLASH, contents: 'hi', config: { httpOptions: { timeout: 300, headers: { 'x-sim-fault': 'hang' } } } })).rejects.toThrow();
    await expect(ai.models.generateContent({ model: FLASH, contents: 'hi', config: withHeaders({ 'x-sim-fault': 'reset' }) })).rejects.toThrow();
  });

  it('retries with httpOptions.retryOptions: x-sim-fault-id counts the attempts of an SDK that sends no retry count', async () => {
    await withSim({}, async (own, client) => {
      const retrying = { retryOptions: { attempts: 3, initialDelay: 0.01, maxDelay: 0.02 } };
      const res = await client.models.generateContent({
        model: FLASH,
        contents: 'hi',
        config: { httpOptions: { ...retrying, headers: { 'x-sim-fault': 'service_unavailable', 'x-sim-fault-times': '2', 'x-sim-fault-id': 'call-1' } } },
      });
      expect(res.candidates![0]!.finishReason).toBe('STOP');
      expect(own.requests).toBe(3);
      const error = await errorOf(client.models.generateContent({ model: FLASH, contents: 'hi', config: { httpOptions: { ...retrying, headers: { 'x-sim-fault': 'rate_limit', 'x-sim-fault-times': '5', 'x-sim-fault-id': 'call-2' } } } }));
      expect(error.status).toBe(429);
      expect(own.requests).toBe(6);
    });
  });
});

describe('rate limits', () => {
  it('enforces configured windows with RESOURCE_EXHAUSTED and a RetryInfo delay until the window resets', async () => {
    await withSim({ rateLimits: { [FLASH]: { requests: 2 } } }, async (_own, client) => {
      await client.models.generateContent({ model: FLASH, contents: 'hi' });
      await client.models.generateContent({ model: FLASH, contents: 'hi' });
      const error = await errorOf(client.models.generateContent({ model: FLASH, contents: 'hi' }));
      expect(error.status).toBe(429);
      const retry = error.body.error.details!.find((d: any) => d['@type'].endsWith('RetryInfo')) as { retryDelay: string };
      expect(Number(retry.retryDelay.replace('s', ''))).toBeGreaterThan(50);
      // Another model has its own window.
      expect((await client.models.generateContent({ model: 'gemini-2.5-pro', contents: 'hi' })).text).toBeTruthy();
    });
  });
});
