// Cost that the response itself reports, from the gateways known to put it there. When present it
// is what the caller was billed, so it wins over the catalog's figure.

/** Where a reported cost was read from (low cardinality, for diagnostics). */
export type ReportedCostOrigin = 'openrouter' | 'llmgateway' | 'litellm_proxy' | 'aimlapi';

export interface ReportedCost {
  usd: number;
  origin: ReportedCostOrigin;
}

/** Response headers as the openai SDK exposes them (a fetch `Headers`) or as a plain object. */
export type HeadersLike = { get(name: string): string | null } | Readonly<Record<string, string | string[] | undefined>>;

/** USD cost headers: LiteLLM proxy (and gateways built on it), AI/ML API. */
const COST_HEADERS: readonly [string, ReportedCostOrigin][] = [
  ['x-litellm-response-cost', 'litellm_proxy'],
  ['x-aimlapi-usd-spent', 'aimlapi'],
];

function usd(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined;
}

function header(headers: HeadersLike, name: string): unknown {
  if (typeof (headers as { get?: unknown }).get === 'function') return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  const record = headers as Readonly<Record<string, string | string[] | undefined>>;
  const value = record[name] ?? Object.entries(record).find(([k]) => k.toLowerCase() === name)?.[1];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The cost the response reports, or undefined. `usage` is the response's (or the last stream
 * chunk's) `usage` object: OpenRouter's `cost` in credits (1 credit = 1 USD; with BYOK, plus
 * `cost_details.upstream_inference_cost`), LLM Gateway's `cost_usd_total`. `headers` are the HTTP
 * response headers: `x-litellm-response-cost` (LiteLLM proxy), `x-aimlapi-usd-spent` (AI/ML API).
 */
export function readReportedCost(source: { usage?: unknown; headers?: HeadersLike | undefined }): ReportedCost | undefined {
  const u = source.usage;
  if (typeof u === 'object' && u !== null) {
    const usage = u as Record<string, unknown>;
    const cost = usd(usage.cost);
    if (cost !== undefined) {
      const details = usage.cost_details as Record<string, unknown> | undefined;
      const upstream = usage.is_byok === true ? usd(details?.upstream_inference_cost) ?? 0 : 0;
      return { usd: cost + upstream, origin: 'openrouter' };
    }
    const total = usd(usage.cost_usd_total);
    if (total !== undefined) return { usd: total, origin: 'llmgateway' };
  }
  if (source.headers) {
    for (const [name, origin] of COST_HEADERS) {
      const value = usd(header(source.headers, name));
      if (value !== undefined) return { usd: value, origin };
    }
  }
  return undefined;
}
