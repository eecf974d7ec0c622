// Cost reported by the response itself, read from what the real openai SDK hands back (the parsed
// body's usage and the fetch Headers from .withResponse()) over real HTTP from a loopback server
// that answers like OpenRouter, LLM Gateway, a LiteLLM proxy and AI/ML API do. Then priceCall:
// the provider's figure wins, the catalog's breakdown is kept beside it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PriceCatalog, readReportedCost } from '../src/index.js';

delete process.env.GENAI_METER_PRICING_FILE;
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
type Client = { chat: { completions: { create(body: object): { withResponse(): Promise<{ data: { usage?: unknown }; response: Response }> } } } };
const OpenAI = createRequire(join(root, 'packages/openai-compat/v6/package.json'))('openai') as new (opts: object) => Client;

/** What each fake gateway adds to an OpenAI chat completion: usage fields and headers. */
const GATEWAYS: Record<string, { usage: object; headers: Record<string, string> }> = {
  openrouter: { usage: { cost: 0.00042, cost_details: { upstream_inference_cost: null }, is_byok: false }, headers: {} },
  'openrouter-byok': { usage: { cost: 0.0001, cost_details: { upstream_inference_cost: 0.0019 }, is_byok: true }, headers: {} },
  llmgateway: { usage: { cost_usd_total: 0.000125, cost_usd_input: 0.000025, cost_usd_output: 0.0001 }, headers: {} },
  litellm: { usage: {}, headers: { 'x-litellm-response-cost': '0.000815', 'x-litellm-model-id': 'abc' } },
  aimlapi: { usage: {}, headers: { 'x-aimlapi-usd-spent': '0.0021' } },
  plain: { usage: {}, headers: {} },
  garbage: { usage: { cost: 'n/a' }, headers: { 'x-litellm-response-cost': 'NaN' } },
};

let server: Server;
let baseURL: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    const gateway = GATEWAYS[req.url!.split('/')[1]!]!;
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', ...gateway.headers });
      res.end(JSON.stringify({
        id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'gpt-4o-2024-08-06',
        choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500, ...gateway.usage },
      }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function call(gateway: string): Promise<{ usage?: unknown; headers: Headers }> {
  const client = new OpenAI({ apiKey: 'test', baseURL: `${baseURL}/${gateway}/v1`, maxRetries: 0 });
  const { data, response } = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
  return { usage: data.usage, headers: response.headers };
}

describe('readReportedCost through the openai SDK', () => {
  it.each([
    ['openrouter', { usd: 0.00042, origin: 'openrouter' }],
    // BYOK: OpenRouter's fee plus what the upstream provider billed
    ['openrouter-byok', { usd: 0.002, origin: 'openrouter' }],
    ['llmgateway', { usd: 0.000125, origin: 'llmgateway' }],
    ['litellm', { usd: 0.000815, origin: 'litellm_proxy' }],
    ['aimlapi', { usd: 0.0021, origin: 'aimlapi' }],
    ['plain', undefined],
    ['garbage', undefined],
  ])('%s', async (gateway, expected) => {
    const reported = readReportedCost(await call(gateway));
    if (expected === undefined) expect(reported).toBeUndefined();
    else {
      expect(reported?.origin).toBe(expected.origin);
      expect(reported?.usd).toBeCloseTo(expected.usd, 15);
    }
  });

  it('reads plain header objects too (any case)', () => {
    expect(readReportedCost({ headers: { 'X-LiteLLM-Response-Cost': '0.5' } })).toEqual({ usd: 0.5, origin: 'litellm_proxy' });
    expect(readReportedCost({ headers: { 'x-litellm-response-cost': ['0.25'] } })).toEqual({ usd: 0.25, origin: 'litellm_proxy' });
    expect(readReportedCost({ usage: { cost: -1 } })).toBeUndefined();
    expect(readReportedCost({})).toBeUndefined();
  });
});

describe('priceCall: the cost the provider reports wins', () => {
  const catalog = PriceCatalog.load();
  const usage = { inputTokens: 1_000, outputTokens: 500 };

  it('records the provider figure with source provider, keeping the catalog breakdown', async () => {
    const reported = readReportedCost(await call('openrouter'));
    const c = catalog.priceCall(['gpt-4o-2024-08-06', 'gpt-4o'], usage, { reportedUsd: reported?.usd });
    expect(c.priced && c.source).toBe('provider');
    expect(c.priced && c.totalUsd).toBe(0.00042);
    // catalog: 1000*2.5 + 500*10 = 7500e-6
    expect(c.priced && c.breakdown?.totalUsd).toBeCloseTo(0.0075, 15);
  });

  it('prices even an unknown model when the provider reports the cost', () => {
    expect(catalog.priceCall(['acme/secret-model'], usage, { reportedUsd: 0.01 })).toEqual({ priced: true, source: 'provider', totalUsd: 0.01, breakdown: undefined });
  });

  it('falls back to the catalog, then to unpriced with a reason', async () => {
    const reported = readReportedCost(await call('plain'));
    expect(catalog.priceCall(['gpt-4o'], usage, { reportedUsd: reported?.usd })).toMatchObject({ priced: true, source: 'catalog', totalUsd: 0.0075 });
    expect(catalog.priceCall([undefined, 'acme/secret-model'], usage)).toEqual({ priced: false, reason: 'unknown_model', detail: 'acme/secret-model' });
    expect(catalog.priceCall(['gpt-4o'], usage, { reportedUsd: Number.NaN })).toMatchObject({ source: 'catalog' });
  });
});
