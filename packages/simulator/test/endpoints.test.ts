// Every endpoint, JSON and streaming, parsed by the real openai v7 SDK (and its helpers).
import OpenAI, { AzureOpenAI } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../src/index.js';
import { rawPost, setup, USER_HELLO, USER_HELLO_TOKENS } from './helpers.js';

let sim: Simulator;
let client: OpenAI;
beforeAll(async () => ({ sim, client } = await setup()));
afterAll(() => sim.close());

const exactUsage = { headers: { 'x-sim-usage': 'prompt=120,completion=40,cached=20,reasoning=10' } };

describe('chat completions', () => {
  it('answers JSON with the default usage, dated response model and finish_reason stop', async () => {
    const res = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: USER_HELLO });
    expect(res.object).toBe('chat.completion');
    expect(res.model).toBe('gpt-4o-mini-2024-07-18');
    expect(res.id).toMatch(/^chatcmpl-[A-Za-z0-9]{29}$/);
    expect(res.choices).toHaveLength(1);
    expect(res.choices[0]!.finish_reason).toBe('stop');
    expect(res.choices[0]!.message.role).toBe('assistant');
    expect(res.choices[0]!.message.content!.split(' ')).toHaveLength(60);
    expect(res.usage).toEqual({
      prompt_tokens: USER_HELLO_TOKENS,
      completion_tokens: 60,
      total_tokens: USER_HELLO_TOKENS + 60,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    });
  });

  it('takes exact usage from x-sim-usage', async () => {
    const res = await client.chat.completions.create({ model: 'gpt-4.1', messages: USER_HELLO }, exactUsage);
    expect(res.model).toBe('gpt-4.1-2025-04-14');
    expect(res.usage?.prompt_tokens).toBe(120);
    expect(res.usage?.completion_tokens).toBe(40);
    expect(res.usage?.total_tokens).toBe(160);
    expect(res.usage?.prompt_tokens_details?.cached_tokens).toBe(20);
    expect(res.usage?.completion_tokens_details?.reasoning_tokens).toBe(10);
    // 40 completion tokens of which 10 reasoning: 30 visible words.
    expect(res.choices[0]!.message.content!.split(' ')).toHaveLength(30);
  });

  it('caps output at max_tokens / max_completion_tokens with finish_reason length', async () => {
    const a = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: USER_HELLO, max_tokens: 20 });
    expect(a.usage?.completion_tokens).toBe(20);
    expect(a.choices[0]!.finish_reason).toBe('length');
    const b = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: USER_HELLO, max_completion_tokens: 200 });
    expect(b.usage?.completion_tokens).toBe(60);
    expect(b.choices[0]!.finish_reason).toBe('stop');
  });

  it('gives reasoning models reasoning tokens inside completion tokens', async () => {
    const res = await client.chat.completions.create({ model: 'o4-mini', messages: USER_HELLO, max_completion_tokens: 100 });
    expect(res.model).toBe('o4-mini-2025-04-16');
    expect(res.usage?.completion_tokens).toBe(100);
    expect(res.usage?.completion_tokens_details?.reasoning_tokens).toBe(64);
    expect(res.choices[0]!.message.content!.split(' ')).toHaveLength(36);
    expect(res.choices[0]!.finish_reason).toBe('length');
  });

  it('streams chunks with usage null and a final choices:[] usage chunk when include_usage is set', async () => {
    const stream = await client.chat.completions.create(
      { model: 'gpt-4o-mini', messages: USER_HELLO, stream: true, stream_options: { include_usage: true } },
      { headers: { 'x-sim-chunks': '5', 'x-sim-usage': 'prompt=33,completion=12' } },
    );
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    // role chunk + 5 content chunks + finish chunk + usage chunk
    expect(chunks).toHaveLength(8);
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    expect(chunks.slice(1, 6).every((c) => typeof c.choices[0]!.delta.content === 'string' && c.choices[0]!.delta.content !== '')).toBe(true);
    expect(chunks[6]!.choices[0]!.finish_reason).toBe('stop');
    expect(chunks.slice(0, 7).every((c) => c.usage === null)).toBe(true);
    expect(chunks[7]!.choices).toEqual([]);
    expect(chunks[7]!.usage).toMatchObject({ prompt_tokens: 33, completion_tokens: 12, total_tokens: 45, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } });
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks.every((c) => c.model === 'gpt-4o-mini-2024-07-18' && c.object === 'chat.completion.chunk')).toBe(true);
  });

  it('streams without a usage field or usage chunk when include_usage is not set, default one chunk per 4 tokens', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: USER_HELLO, stream: true });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks).toHaveLength(1 + 15 + 1);
    expect(chunks.every((c) => !('usage' in c))).toBe(true);
  });

  it('streams the same text the JSON answer has, and the stream helper accumulates it with usage', async () => {
    const json = await client.chat.completions.create({ model: 'gpt-4o', messages: USER_HELLO });
    const runner = client.chat.completions.stream({ model: 'gpt-4o', messages: USER_HELLO, stream_options: { include_usage: true } });
    const deltas: string[] = [];
    runner.on('content', (delta) => deltas.push(delta));
    const final = await runner.finalChatCompletion();
    expect(final.choices[0]!.message.content).toBe(json.choices[0]!.message.content);
    expect(deltas.join('')).toBe(json.choices[0]!.message.content);
    expect(final.usage?.total_tokens).toBe(USER_HELLO_TOKENS + 60);
  });

  it('answers a json_schema response_format with JSON that parse() returns', async () => {
    const res = await client.chat.completions.parse({
      model: 'gpt-4o',
      messages: USER_HELLO,
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'weather',
          strict: true,
          schema: {
            type: 'object',
            properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] }, days: { type: 'integer', minimum: 1, maximum: 7 } },
            required: ['city', 'unit', 'days'],
            additionalProperties: false,
          },
        },
      },
    });
    const parsed = res.choices[0]!.message.parsed as { city: string; unit: string; days: number };
    expect(Object.keys(parsed).sort()).toEqual(['city', 'days', 'unit']);
    expect(typeof parsed.city).toBe('string');
    expect(['c', 'f']).toContain(parsed.unit);
    expect(parsed.days >= 1 && parsed.days <= 7 && Number.isInteger(parsed.days)).toBe(true);
  });

  it('calls a forced tool, JSON and streamed', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }];
    const res = await client.chat.completions.create({ model: 'gpt-4o', messages: USER_HELLO, tools, tool_choice: 'required' });
    expect(res.choices[0]!.finish_reason).toBe('tool_calls');
    const call = res.choices[0]!.message.tool_calls![0]!;
    expect(call.type === 'function' && call.function.name).toBe('get_weather');
    expect(Object.keys(JSON.parse(call.type === 'function' ? call.function.arguments : '{}'))).toEqual(['city']);
    const streamed = await client.chat.completions.stream({ model: 'gpt-4o', messages: USER_HELLO, tools, tool_choice: { type: 'function', function: { name: 'get_weather' } } }).finalChatCompletion();
    const streamedCall = streamed.choices[0]!.message.tool_calls![0]!;
    expect(streamedCall.type === 'function' && JSON.parse(streamedCall.function.arguments)).toHaveProperty('city');
    expect(streamed.choices[0]!.finish_reason).toBe('tool_calls');
  });

  it('honours x-sim-response-model and the responseModels option; unknown models echo', async () => {
    const res = await client.chat.completions.create({ model: 'gpt-4o', messages: USER_HELLO }, { headers: { 'x-sim-response-model': 'custom-1' } });
    expect(res.model).toBe('custom-1');
    const echoed = await client.chat.completions.create({ model: 'my-finetune', messages: USER_HELLO });
    expect(echoed.model).toBe('my-finetune');
    const { sim: other, client: otherClient } = await setup({ responseModels: { 'my-finetune': 'ft:gpt-4o:acme:2025' } });
    try {
      expect((await otherClient.chat.completions.create({ model: 'my-finetune', messages: USER_HELLO })).model).toBe('ft:gpt-4o:acme:2025');
      expect((await otherClient.chat.completions.create({ model: 'gpt-4o-mini', messages: USER_HELLO })).model).toBe('gpt-4o-mini-2024-07-18');
    } finally {
      await other.close();
    }
  });

  it('returns n choices', async () => {
    const res = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: USER_HELLO, n: 3, max_tokens: 10 });
    expect(res.choices.map((c) => c.index)).toEqual([0, 1, 2]);
    expect(res.usage?.completion_tokens).toBe(30);
  });
});

describe('responses', () => {
  it('answers JSON with output_text and responses-style usage', async () => {
    const res = await client.responses.create({ model: 'gpt-4.1', input: 'hello there' }, exactUsage);
    expect(res.object).toBe('response');
    expect(res.status).toBe('completed');
    expect(res.model).toBe('gpt-4.1-2025-04-14');
    expect(res.id).toMatch(/^resp_[0-9a-f]{48}$/);
    expect(res.output_text.split(' ')).toHaveLength(30);
    expect(res.usage).toEqual({
      input_tokens: 120,
      input_tokens_details: { cached_tokens: 20, cache_write_tokens: 0 },
      output_tokens: 40,
      output_tokens_details: { reasoning_tokens: 10 },
      total_tokens: 160,
    });
  });

  it('computes default usage from the input and max_output_tokens', async () => {
    const res = await client.responses.create({ model: 'gpt-4.1', input: 'hello there', instructions: 'be brief' });
    // 3 + (4 + ceil(8/4)) instructions + (4 + ceil(11/4)) input
    expect(res.usage?.input_tokens).toBe(16);
    expect(res.usage?.output_tokens).toBe(60);
    const capped = await client.responses.create({ model: 'gpt-4.1', input: 'hello there', max_output_tokens: 16 });
    expect(capped.usage?.output_tokens).toBe(16);
    expect(capped.status).toBe('incomplete');
    expect(capped.incomplete_details).toEqual({ reason: 'max_output_tokens' });
  });

  it('streams the real event sequence with sequence numbers and usage on response.completed', async () => {
    const stream = await client.responses.create({ model: 'gpt-4o-mini', input: 'hello there', stream: true }, { headers: { 'x-sim-chunks': '3', 'x-sim-usage': 'input=50,output=9,cached=5' } });
    const events = [];
    for await (const event of stream) events.push(event);
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const completed = events.at(-1)!;
    if (completed.type !== 'response.completed') throw new Error('expected response.completed');
    expect(completed.response.usage).toEqual({
      input_tokens: 50,
      input_tokens_details: { cached_tokens: 5, cache_write_tokens: 0 },
      output_tokens: 9,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 59,
    });
    const deltas = events.flatMap((e) => (e.type === 'response.output_text.delta' ? [e.delta] : []));
    const done = events.find((e) => e.type === 'response.output_text.done');
    expect(done?.type === 'response.output_text.done' && done.text).toBe(deltas.join(''));
  });

  it('works with responses.stream() for a reasoning model (reasoning item first)', async () => {
    const runner = client.responses.stream({ model: 'o4-mini', input: 'hello there' });
    const types: string[] = [];
    for await (const event of runner) types.push(event.type);
    const final = await runner.finalResponse();
    expect(types.slice(0, 4)).toEqual(['response.created', 'response.in_progress', 'response.output_item.added', 'response.output_item.done']);
    expect(final.output.map((o) => o.type)).toEqual(['reasoning', 'message']);
    expect(final.output_text.split(' ')).toHaveLength(60);
    expect(final.usage?.output_tokens).toBe(124);
    expect(final.usage?.output_tokens_details.reasoning_tokens).toBe(64);
  });

  it('works with responses.parse() for a json_schema text format', async () => {
    const res = await client.responses.parse({
      model: 'gpt-4o',
      input: 'hello there',
      text: { format: { type: 'json_schema', name: 'pick', strict: true, schema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'], additionalProperties: false } } },
    });
    expect(typeof (res.output_parsed as { ok: boolean }).ok).toBe('boolean');
  });

  it('streams a forced function call', async () => {
    const final = await client.responses
      .stream({ model: 'gpt-4o', input: 'x', tools: [{ type: 'function', name: 'lookup', strict: true, parameters: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'], additionalProperties: false } }], tool_choice: 'required' })
      .finalResponse();
    const call = final.output[0]!;
    expect(call.type === 'function_call' && call.name).toBe('lookup');
    expect(call.type === 'function_call' && Number.isInteger(JSON.parse(call.arguments).id)).toBe(true);
  });
});

describe('embeddings', () => {
  it('decodes the SDK default (base64) to the same float32 vectors as encoding_format float', async () => {
    const asBase64 = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['hello there', 'ab'] });
    const asFloat = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['hello there', 'ab'], encoding_format: 'float' });
    expect(asBase64.data).toHaveLength(2);
    expect(asBase64.data[0]!.embedding).toHaveLength(8);
    expect(asBase64.data.map((d) => d.embedding)).toEqual(asFloat.data.map((d) => d.embedding));
    expect(asBase64.data[0]!.embedding).not.toEqual(asBase64.data[1]!.embedding);
    const norm = Math.hypot(...asFloat.data[0]!.embedding);
    expect(Math.abs(norm - 1)).toBeLessThan(1e-5);
    expect(asFloat.usage).toEqual({ prompt_tokens: 4, total_tokens: 4 });
    expect(asFloat.model).toBe('text-embedding-3-small');
  });

  it('sends base64 on the wire when asked and honours dimensions and string input', async () => {
    const res = await rawPost(sim, '/v1/embeddings', JSON.stringify({ model: 'text-embedding-3-large', input: 'hello there', encoding_format: 'base64', dimensions: 3 }));
    expect(res.status).toBe(200);
    const bytes = Buffer.from(res.json.data[0].embedding, 'base64');
    expect(bytes.length).toBe(12);
    const float = await client.embeddings.create({ model: 'text-embedding-3-large', input: 'hello there', encoding_format: 'float', dimensions: 3 });
    expect([0, 1, 2].map((i) => bytes.readFloatLE(i * 4))).toEqual(float.data[0]!.embedding);
    expect(float.usage.prompt_tokens).toBe(3);
  });

  it('rejects an unknown encoding_format with 400', async () => {
    await expect(client.embeddings.create({ model: 'text-embedding-3-small', input: 'x', encoding_format: 'hex' as 'float' })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
  });
});

describe('legacy completions', () => {
  it('answers JSON with max_tokens defaulting to 16', async () => {
    const res = await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'Say this is a test' });
    expect(res.object).toBe('text_completion');
    expect(res.choices[0]!.text.split(' ')).toHaveLength(16);
    expect(res.choices[0]!.finish_reason).toBe('length');
    expect(res.usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 16, total_tokens: 21 });
  });

  it('streams with include_usage', async () => {
    const stream = await client.completions.create(
      { model: 'gpt-3.5-turbo-instruct', prompt: 'Say this is a test', max_tokens: 100, stream: true, stream_options: { include_usage: true } },
      { headers: { 'x-sim-chunks': '4' } },
    );
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks).toHaveLength(4 + 1 + 1);
    expect(chunks[4]!.choices[0]!.finish_reason).toBe('stop');
    expect(chunks[5]!.choices).toEqual([]);
    expect(chunks[5]!.usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 60, total_tokens: 65 });
    expect(chunks.slice(0, 4).map((c) => c.choices[0]!.text).join('').split(' ')).toHaveLength(60);
  });
});

describe('models, health, Azure and bad requests', () => {
  it('lists and retrieves models', async () => {
    const ids = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toContain('gpt-4o-mini');
    expect(ids).toContain('text-embedding-3-small');
    expect((await client.models.retrieve('gpt-4.1')).id).toBe('gpt-4.1');
  });

  it('answers /health', async () => {
    const res = await fetch(`${sim.url}/health`);
    expect(res.status).toBe(200);
    expect((await res.json()).status).toBe('ok');
    for (const name of ['x-request-id', 'openai-processing-ms', 'x-ratelimit-limit-requests', 'x-ratelimit-remaining-requests', 'x-ratelimit-limit-tokens', 'x-ratelimit-remaining-tokens', 'x-ratelimit-reset-requests', 'x-ratelimit-reset-tokens']) {
      expect(res.headers.get(name), name).not.toBeNull();
    }
  });

  it('serves the AzureOpenAI client on deployment paths; the deployment is the model when the body has none', async () => {
    const azure = new AzureOpenAI({ endpoint: sim.url, apiKey: 'azure-key', apiVersion: '2024-10-21', deployment: 'prod-gpt4o', maxRetries: 0 });
    const chat = await azure.chat.completions.create({ model: '', messages: USER_HELLO }, { headers: { 'x-sim-usage': 'prompt=7,completion=3' } });
    expect(chat.model).toBe('prod-gpt4o');
    expect(chat.usage?.total_tokens).toBe(10);
    const named = await azure.chat.completions.create({ model: 'gpt-4o-mini', messages: USER_HELLO });
    expect(named.model).toBe('gpt-4o-mini-2024-07-18');
    const stream = await azure.chat.completions.create({ model: '', messages: USER_HELLO, stream: true, stream_options: { include_usage: true } });
    let usage;
    for await (const chunk of stream) usage = chunk.usage ?? usage;
    expect(usage?.completion_tokens).toBe(60);
    const emb = await azure.embeddings.create({ model: '', input: 'hello there' });
    expect(emb.data[0]!.embedding).toHaveLength(8);
    const raw = await rawPost(sim, '/openai/deployments/dep-a/chat/completions?api-version=2024-10-21', JSON.stringify({ messages: USER_HELLO }));
    expect(raw.status).toBe(200);
    expect(raw.json.model).toBe('dep-a');
  });

  it('answers OpenAI-style 400s for an unparsable body, a missing model or messages, and bad control headers', async () => {
    const unparsable = await rawPost(sim, '/v1/chat/completions', '{"model": "gpt-4o", ');
    expect(unparsable.status).toBe(400);
    expect(unparsable.json.error.type).toBe('invalid_request_error');
    expect(unparsable.json.error.message).toMatch(/could not parse the JSON body/);
    const noModel = await rawPost(sim, '/v1/chat/completions', JSON.stringify({ messages: USER_HELLO }));
    expect(noModel.status).toBe(400);
    expect(noModel.json.error).toEqual({ message: 'you must provide a model parameter', type: 'invalid_request_error', param: 'model', code: 'missing_required_parameter' });
    await expect(client.chat.completions.create({ model: 'gpt-4o', messages: [] })).rejects.toMatchObject({ status: 400, param: 'messages' });
    await expect(client.chat.completions.create({ model: 'gpt-4o', messages: USER_HELLO }, { headers: { 'x-sim-fault': 'meteor' } })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(client.chat.completions.create({ model: 'gpt-4o', messages: USER_HELLO }, { headers: { 'x-sim-usage': 'prompt=abc' } })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    const notJsonObject = await rawPost(sim, '/v1/responses', '[1,2]');
    expect(notJsonObject.status).toBe(400);
    const unknown = await rawPost(sim, '/v1/videos', '{}');
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.message).toBe('Invalid URL (POST /v1/videos)');
    // The server is still fine afterwards.
    expect((await client.chat.completions.create({ model: 'gpt-4o', messages: USER_HELLO })).choices).toHaveLength(1);
  });
});

describe('prompt caching', () => {
  it('reports a cached prefix for prompts of 1024+ tokens, for any chat model', async () => {
    const client = new OpenAI({ apiKey: 'k', baseURL: sim.baseURL, maxRetries: 0 });
    const long = 'context '.repeat(800);
    const res = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'system', content: long }, { role: 'user', content: 'q' }] });
    const prompt = res.usage!.prompt_tokens;
    expect(prompt).toBeGreaterThanOrEqual(1024);
    expect(res.usage!.prompt_tokens_details!.cached_tokens).toBe(Math.floor(prompt / 2 / 128) * 128);
    const short = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'q' }] });
    expect(short.usage!.prompt_tokens_details!.cached_tokens).toBe(0);
  });
});


describe('service tier and a reported cost', () => {
  it('answers with the service tier the request asked for, and reports a gateway cost when told', async () => {
    const sim = await startSimulator({ seed: 1, latencyScale: 0 });
    try {
      const post = (path: string, body: object, headers: Record<string, string> = {}) =>
        fetch(`${sim.baseURL}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer k', ...headers }, body: JSON.stringify(body) });
      const flex = await (await post('/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], service_tier: 'flex' })).json();
      expect(flex.service_tier).toBe('flex');
      const auto = await (await post('/responses', { model: 'gpt-4o-mini', input: 'x', service_tier: 'auto' })).json();
      expect(auto.service_tier).toBe('default');
      const usage = await (await post('/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }, { 'x-sim-reported-cost': 'usage=0.0042' })).json();
      expect(usage.usage.cost).toBe(0.0042);
      const header = await post('/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }, { 'x-sim-reported-cost': 'header=0.0017' });
      expect(header.headers.get('x-litellm-response-cost')).toBe('0.0017');
      expect((await header.json()).usage.cost).toBeUndefined();
      expect((await post('/chat/completions', { model: 'gpt-4o-mini', messages: [] }, { 'x-sim-reported-cost': 'lots' })).status).toBe(400);
    } finally {
      await sim.close();
    }
  });
});
