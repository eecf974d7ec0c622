// openai 4.x, 5.x and 6.x (installed as test fixtures) parse the same wire format: usage, streams
// with include_usage, the Responses stream helper, base64 embeddings, error classes and retries.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../src/index.js';
import { USER_HELLO, USER_HELLO_TOKENS } from './helpers.js';

let sim: Simulator;
beforeAll(async () => (sim = await startSimulator({ latencyScale: 0 })));
afterAll(() => sim.close());

for (const major of ['v4', 'v5', 'v6']) {
  describe(`openai ${major}`, () => {
    const packageJson = fileURLToPath(new URL(`../../openai-compat/${major}/package.json`, import.meta.url));
    const OpenAI = createRequire(packageJson)('openai') as typeof import('openai').default;

    it('is the expected major', () => {
      const installed = fileURLToPath(new URL(`../../openai-compat/${major}/node_modules/openai/package.json`, import.meta.url));
      expect(JSON.parse(readFileSync(installed, 'utf8')).version).toMatch(new RegExp(`^${major.slice(1)}\\.`));
    });

    it('parses chat JSON, streams with usage and embeddings', async () => {
      const client = new OpenAI({ baseURL: sim.baseURL, apiKey: 'k', maxRetries: 0 });
      const res = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: USER_HELLO });
      expect(res.usage?.total_tokens).toBe(USER_HELLO_TOKENS + 60);
      expect(res.usage?.prompt_tokens_details?.cached_tokens).toBe(0);

      const stream = await client.chat.completions.create(
        { model: 'gpt-4o-mini', messages: USER_HELLO, stream: true, stream_options: { include_usage: true } },
        { headers: { 'x-sim-usage': 'prompt=9,completion=4,reasoning=1' } },
      );
      let usage;
      let text = '';
      for await (const chunk of stream) {
        usage = chunk.usage ?? usage;
        text += chunk.choices[0]?.delta.content ?? '';
      }
      expect(usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 4, total_tokens: 13, completion_tokens_details: { reasoning_tokens: 1 } });
      expect(text.split(' ')).toHaveLength(3);

      const emb = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'hello there' });
      expect(emb.data[0]!.embedding).toHaveLength(8);
      expect(typeof emb.data[0]!.embedding[0]).toBe('number');
    });

    it('runs the chat and responses stream helpers', async () => {
      const client = new OpenAI({ baseURL: sim.baseURL, apiKey: 'k', maxRetries: 0 });
      // openai 4 has the chat stream helper under beta only.
      const completions = ('stream' in client.chat.completions ? client.chat.completions : (client as any).beta.chat.completions) as typeof client.chat.completions;
      const chat = await completions.stream({ model: 'gpt-4o', messages: USER_HELLO, stream_options: { include_usage: true } }).finalChatCompletion();
      expect(chat.usage?.completion_tokens).toBe(60);
      const response = await client.responses.stream({ model: 'o3', input: 'hello there' }).finalResponse();
      expect(response.usage?.output_tokens_details.reasoning_tokens).toBe(192);
      // output_text is an SDK convenience (not on the wire) that openai 4's stream helper does not add.
      const message = response.output.find((item) => item.type === 'message');
      const text = message?.type === 'message' ? message.content.map((part) => (part.type === 'output_text' ? part.text : '')).join('') : '';
      expect(text.split(' ')).toHaveLength(60);
      expect(response.output[0]!.type).toBe('reasoning');
    });

    it('throws the same parse error for a malformed stream frame whatever the request options', async () => {
      const client = new OpenAI({ baseURL: sim.baseURL, apiKey: 'k', maxRetries: 0 });
      const failure = async (includeUsage: boolean) => {
        const stream = await client.chat.completions.create(
          { model: 'gpt-4o-mini', messages: USER_HELLO, stream: true, ...(includeUsage ? { stream_options: { include_usage: true } } : {}) },
          { headers: { 'x-sim-fault': 'malformed_json' } },
        );
        try {
          for await (const _ of stream) void _;
        } catch (error) {
          return `${(error as Error).name}: ${(error as Error).message}`;
        }
        return 'no error';
      };
      const plain = await failure(false);
      expect(plain).toMatch(/^SyntaxError: /);
      expect(await failure(true)).toBe(plain);
    });

    it('maps faults to its error classes and retries a first-attempt 429', async () => {
      const client = new OpenAI({ baseURL: sim.baseURL, apiKey: 'k', maxRetries: 2 });
      const before = sim.requests;
      const res = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: USER_HELLO }, { headers: { 'x-sim-fault': 'rate_limit', 'x-sim-fault-times': '1' } });
      expect(res.choices).toHaveLength(1);
      expect(sim.requests - before).toBe(2);
      const noRetry = new OpenAI({ baseURL: sim.baseURL, apiKey: 'k', maxRetries: 0 });
      await expect(noRetry.chat.completions.create({ model: 'gpt-4o-mini', messages: USER_HELLO }, { headers: { 'x-sim-fault': 'unauthorized' } })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
      await expect(noRetry.chat.completions.create({ model: 'gpt-4o-mini', messages: USER_HELLO }, { headers: { 'x-sim-fault': 'reset' } })).rejects.toBeInstanceOf(OpenAI.APIConnectionError);
    });
  });
}
