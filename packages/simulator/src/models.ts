// What the simulator knows about models: dated response names, latency profile per family,
// default output size and whether the model reasons (spends hidden reasoning tokens).

/**
 * Request model -> model name the API reports back: OpenAI and Anthropic answer an alias with its
 * dated snapshot; Gemini reports the model id itself as modelVersion.
 */
export const DEFAULT_RESPONSE_MODELS: Readonly<Record<string, string>> = {
  'gpt-4o-mini': 'gpt-4o-mini-2024-07-18',
  'gpt-4o': 'gpt-4o-2024-08-06',
  'gpt-4.1': 'gpt-4.1-2025-04-14',
  'gpt-4.1-mini': 'gpt-4.1-mini-2025-04-14',
  'gpt-4.1-nano': 'gpt-4.1-nano-2025-04-14',
  'gpt-4-turbo': 'gpt-4-turbo-2024-04-09',
  'gpt-3.5-turbo': 'gpt-3.5-turbo-0125',
  'gpt-5': 'gpt-5-2025-08-07',
  'gpt-5-mini': 'gpt-5-mini-2025-08-07',
  'gpt-5-nano': 'gpt-5-nano-2025-08-07',
  o1: 'o1-2024-12-17',
  'o3-mini': 'o3-mini-2025-01-31',
  o3: 'o3-2025-04-16',
  'o4-mini': 'o4-mini-2025-04-16',
  'claude-3-5-haiku-latest': 'claude-3-5-haiku-20241022',
  'claude-3-7-sonnet-latest': 'claude-3-7-sonnet-20250219',
  'claude-sonnet-4-0': 'claude-sonnet-4-20250514',
  'claude-opus-4-0': 'claude-opus-4-20250514',
  'claude-opus-4-1': 'claude-opus-4-1-20250805',
  'claude-sonnet-4-5': 'claude-sonnet-4-5-20250929',
  'claude-haiku-4-5': 'claude-haiku-4-5-20251001',
  'claude-opus-4-5': 'claude-opus-4-5-20251101',
};

/** Models listed by GET /v1/models that only the OpenAI API serves (the table above also has Claude aliases). */
const OPENAI_RESPONSE_MODELS = Object.keys(DEFAULT_RESPONSE_MODELS).filter((id) => !id.startsWith('claude-'));

/** Models listed by GET /v1/models (besides any model seen in a request). */
export const LISTED_MODELS: readonly string[] = [
  ...OPENAI_RESPONSE_MODELS,
  'gpt-3.5-turbo-instruct',
  'text-embedding-3-small',
  'text-embedding-3-large',
  'text-embedding-ada-002',
];

/** Latency of one family in milliseconds, before jitter and latencyScale. */
export interface LatencyProfile {
  /** Time to the first chunk (for non-streaming calls: time before generation starts). */
  ttfcMs: number;
  /** Time between two streamed chunks. */
  chunkMs: number;
}

export interface ModelTraits {
  family: 'small' | 'large' | 'reasoning-small' | 'reasoning' | 'embedding' | 'instruct';
  latency: LatencyProfile;
  reasoning: boolean;
  /** Visible output tokens when the request sets no limit. */
  defaultOutputTokens: number;
  /** Hidden reasoning tokens spent by reasoning models when not capped. */
  defaultReasoningTokens: number;
}

const SMALL: ModelTraits = { family: 'small', latency: { ttfcMs: 280, chunkMs: 12 }, reasoning: false, defaultOutputTokens: 60, defaultReasoningTokens: 0 };
const LARGE: ModelTraits = { family: 'large', latency: { ttfcMs: 520, chunkMs: 28 }, reasoning: false, defaultOutputTokens: 60, defaultReasoningTokens: 0 };
const REASONING_SMALL: ModelTraits = { family: 'reasoning-small', latency: { ttfcMs: 1400, chunkMs: 10 }, reasoning: true, defaultOutputTokens: 60, defaultReasoningTokens: 64 };
const REASONING: ModelTraits = { family: 'reasoning', latency: { ttfcMs: 3200, chunkMs: 22 }, reasoning: true, defaultOutputTokens: 60, defaultReasoningTokens: 192 };
const EMBEDDING: ModelTraits = { family: 'embedding', latency: { ttfcMs: 90, chunkMs: 0 }, reasoning: false, defaultOutputTokens: 0, defaultReasoningTokens: 0 };
const INSTRUCT: ModelTraits = { family: 'instruct', latency: { ttfcMs: 220, chunkMs: 10 }, reasoning: false, defaultOutputTokens: 60, defaultReasoningTokens: 0 };

/**
 * Classifies a model name (request or deployment name) into a family by its well-known names.
 * Gemini 2.5+ Flash and Pro think by default; Claude thinks only when the request enables it.
 */
export function modelTraits(model: string): ModelTraits {
  const m = model.toLowerCase().replace(/^(models|tunedmodels)\//, '');
  if (m.includes('embedding')) return EMBEDDING;
  if (m.includes('instruct') || m.startsWith('davinci') || m.startsWith('babbage')) return INSTRUCT;
  if (/^o\d/.test(m) || m.startsWith('gpt-5')) {
    return /mini|nano/.test(m) ? REASONING_SMALL : REASONING;
  }
  const gemini = /^gemini-(\d+(?:\.\d+)?)/.exec(m);
  if (gemini && Number(gemini[1]) >= 2.5 && !m.includes('lite')) return m.includes('pro') ? REASONING : REASONING_SMALL;
  if (/mini|nano|gpt-3\.5|haiku|flash/.test(m)) return SMALL;
  return LARGE;
}

/** The model name reported back for a request model. */
export function responseModelFor(requestModel: string, table: Readonly<Record<string, string>>): string {
  return table[requestModel] ?? requestModel;
}
