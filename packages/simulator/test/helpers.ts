import OpenAI from 'openai';
import { startSimulator, type Simulator, type SimulatorOptions } from '../src/index.js';

/** A simulator without artificial latency plus a real openai v7 client pointed at it. */
export async function setup(options: SimulatorOptions = {}, clientOptions: Partial<ConstructorParameters<typeof OpenAI>[0]> = {}): Promise<{ sim: Simulator; client: OpenAI }> {
  const sim = await startSimulator({ latencyScale: 0, ...options });
  const client = new OpenAI({ baseURL: sim.baseURL, apiKey: 'sk-test', maxRetries: 0, ...clientOptions });
  return { sim, client };
}

export const USER_HELLO = [{ role: 'user' as const, content: 'hello there' }];
/** chat prompt tokens of USER_HELLO: 3 priming + 4 per message + ceil(11 / 4). */
export const USER_HELLO_TOKENS = 10;

export async function rawPost(sim: Simulator, path: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; json: any }> {
  const res = await fetch(`${sim.url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
}

/** An SSE body split into its events: `event:` name (if any) and `data:` text, any line ending. */
export function parseSse(text: string): Array<{ event?: string; data: string }> {
  return text
    .split(/\r?\n\r?\n/)
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const lines = block.split(/\r?\n/);
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
      const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
      return event === undefined ? { data } : { event, data };
    });
}
