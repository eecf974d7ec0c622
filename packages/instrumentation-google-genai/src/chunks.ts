// What a GenerateContentResponse (a JSON answer, or one chunk of a stream) carries for a call: the model
// version, usage (running totals in every chunk; the last one is final), output and finish reasons.
import type { Call } from '@genai-meter/instrumentation-core';
import type { GoogleGenAICall } from './call.js';
import { readReportedCost } from '@genai-meter/pricing';
import { usageFromEmbeddings, usageFromMetadata } from './usage.js';

interface Candidate {
  content?: { parts?: unknown[] } | null;
  finishReason?: unknown;
  index?: unknown;
}

interface GenerateContentResponseLike {
  modelVersion?: unknown;
  usageMetadata?: unknown;
  candidates?: (Candidate | null | undefined)[] | null;
  sdkHttpResponse?: { headers?: Record<string, string> } | null;
}

/**
 * ChunkObserver for generateContentStream (its calls are GoogleGenAICalls): each chunk with output is an output
 * chunk; a finishReason completes its candidate.
 */
export function observeGenerateContentChunk(call: Call, chunk: unknown): unknown {
  if (chunk === null || typeof chunk !== 'object') return chunk;
  const c = chunk as GenerateContentResponseLike;
  // The model first: the first chunk's timing is recorded under it.
  if (typeof c.modelVersion === 'string') call.responseModel = c.modelVersion;
  // Read when the call ends (GoogleGenAICall.finish): the last one reported is the usage.
  if (c.usageMetadata != null) (call as GoogleGenAICall).lastUsageMetadata = c.usageMetadata;
  const candidates = c.candidates;
  if (Array.isArray(candidates)) {
    const wasComplete = call.complete;
    let output = false;
    for (let i = 0; i < candidates.length; i++) {
      const candidate = candidates[i];
      if (!candidate) continue;
      const parts = candidate.content?.parts;
      if (Array.isArray(parts) && parts.length > 0) output = true;
      if (candidate.finishReason != null) call.choiceFinished(candidate.index);
    }
    if (output) call.onChunk();
    // Every chunk carries the response's headers: a gateway's cost header is read once, when the answer completes.
    if (!wasComplete && call.complete) readGatewayCost(call, c);
  }
  return chunk;
}

/** A gateway in front of the API may say what it billed in a header (LiteLLM proxy). */
function readGatewayCost(call: Call, response: GenerateContentResponseLike): void {
  const headers = response.sdkHttpResponse?.headers;
  if (!call.endpoint.viaGateway || !headers) return;
  // The SDK copies the fetch Headers into a record with lower-case names: looked up by name, not searched.
  call.reportedCostUsd = readReportedCost({ headers: { get: (name) => headers[name] ?? null } })?.usd;
}

/** Records a JSON answer (generateContent or embedContent) and finishes the call as a success. */
export function finishWithResponse(call: Call, response: unknown, embeddings: boolean): void {
  if (response !== null && typeof response === 'object') {
    const r = response as GenerateContentResponseLike & Record<string, unknown>;
    if (typeof r.modelVersion === 'string') call.responseModel = r.modelVersion;
    call.usage = embeddings ? usageFromEmbeddings(r) : usageFromMetadata(r.usageMetadata);
    readGatewayCost(call, r);
  }
  call.finish();
}
