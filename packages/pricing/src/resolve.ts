// Model name resolution: what real traffic sends (dated snapshots, provider prefixes, case)
// mapped onto catalog keys. Only exact matches after removing a known prefix or one known
// suffix: never a "closest" name, so a different model never picks up a cheaper model's price
// (gpt-4o-mini-2024-07-18 -> gpt-4o-mini, never gpt-4o; o3-pro stays unknown, never o3).
import type { ResolvedModel } from './types.js';

/**
 * Route/provider prefixes that gateways and SDKs put in front of a model name, and the model makers'
 * namespaces that OpenRouter and Together use (`moonshotai/kimi-k2`, `deepseek-ai/deepseek-v3.1`).
 * `meta-llama/` is not one: Together's Llama names keep it and are priced as Together's.
 */
const KNOWN_PREFIXES: ReadonlySet<string> = new Set([
  'openai', 'azure', 'azure_ai', 'azure-openai', 'anthropic', 'google', 'gemini', 'vertex_ai', 'vertex',
  'models', 'publishers', 'deepseek', 'deepseek-ai', 'xai', 'x-ai', 'x_ai', 'mistral', 'mistralai', 'mistral_ai',
  'groq', 'together', 'together_ai', 'togethercomputer', 'fireworks', 'fireworks_ai', 'openrouter',
  'moonshot', 'moonshotai', 'kimi', 'zai', 'z-ai', 'zai-org', 'zhipu', 'zhipuai', 'thudm', 'qwen', 'dashscope', 'alibaba',
]);
/** Fireworks' own namespace: `accounts/fireworks/models/gpt-oss-120b`. */
const FIREWORKS_PATH = 'accounts/fireworks/models/';

/** Snapshot/version suffixes that name the same model at the same price; tried one at a time. */
const SUFFIXES: readonly RegExp[] = [
  /-\d{4}-\d{2}-\d{2}$/, // OpenAI snapshots: gpt-4.1-2025-04-14
  /-\d{8}$/, // Anthropic snapshots: claude-sonnet-4-20250514
  /-latest$/, // claude-3-5-haiku-latest, grok-3-latest
  /-preview-\d{2}-\d{2}$/, // Gemini previews: gemini-2.5-pro-preview-06-05
  /-preview-\d{2}-\d{4}$/, // gemini-2.5-flash-preview-09-2025
  /-\d{3}$/, // Google stable versions: gemini-2.0-flash-001
  /-\d{4}$/, // MMDD / YYMM snapshots: gpt-4-0613, kimi-k2-0905, qwen3-coder-480b-a35b-instruct-2507
];

function lookup(name: string, index: ReadonlyMap<string, ResolvedModel>): ResolvedModel | undefined {
  const exact = index.get(name);
  if (exact) return exact;
  for (const suffix of SUFFIXES) {
    const m = suffix.exec(name);
    if (m) {
      const hit = index.get(name.slice(0, m.index));
      if (hit) return hit;
    }
  }
  return undefined;
}

/** Resolves a raw model name against an index of lowercase names (keys, aliases, deployments). */
export function resolveName(raw: string, index: ReadonlyMap<string, ResolvedModel>): ResolvedModel | undefined {
  let name = raw.trim().toLowerCase();
  for (;;) {
    if (name.startsWith(FIREWORKS_PATH)) name = name.slice(FIREWORKS_PATH.length);
    const hit = lookup(name, index);
    if (hit) return hit;
    const slash = name.indexOf('/');
    if (slash <= 0 || !KNOWN_PREFIXES.has(name.slice(0, slash))) return undefined;
    name = name.slice(slash + 1);
  }
}
