// Per-request control headers (x-sim-*), parsed strictly: a typo answers 400 instead of being
// silently ignored, so a test cannot pass for the wrong reason.
import type { IncomingHttpHeaders } from 'node:http';
import { FAULT_KINDS, type FaultKind } from './types.js';

export interface UsageOverride {
  /** All input tokens, cached and cache-written ones included. */
  prompt?: number;
  completion?: number;
  /** Input tokens read from the cache. */
  cached?: number;
  /** Input tokens written to the cache with the default (5-minute) and the 1-hour lifetime. */
  cacheWrite?: number;
  cacheWrite1h?: number;
  reasoning?: number;
  /** Input tokens that are audio (transcriptions) or images (image edits): part of `prompt`. */
  audio?: number;
  image?: number;
}

export interface RequestControls {
  usage?: UsageOverride;
  chunks?: number;
  responseModel?: string;
  latency?: { ttfcMs?: number; chunkMs?: number };
  fault?: FaultKind;
  /** Fault applies only to the first N attempts of the request. */
  faultTimes?: number;
  /** Groups attempts of one logical request for SDKs that send no retry count (x-sim-fault-id). */
  faultId?: string;
  retryAfter?: string;
  /** Value of x-stainless-retry-count (0 on the first attempt), when the SDK sends it. */
  retryCount?: number;
  /**
   * A gateway's report of what it billed (x-sim-reported-cost): `usage=USD` puts OpenRouter's `usage.cost`
   * in the usage object, `header=USD` sends LiteLLM proxy's `x-litellm-response-cost` header.
   */
  reportedCost?: { where: 'usage' | 'header'; usd: number };
  /** Duration of an uploaded audio file in seconds (x-sim-audio-seconds), instead of what its bytes say. */
  audioSeconds?: number;
}

export class ControlHeaderError extends Error {}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  const text = Array.isArray(value) ? value.join(',') : value;
  return text === undefined || text.trim() === '' ? undefined : text.trim();
}

function nonNegativeInt(name: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new ControlHeaderError(`${name}: expected a non-negative integer, got '${text}'`);
  return Number(text);
}

/** Parses `a=1,b=2` into a map, accepting only the given keys (aliases map to canonical keys). */
function keyValues(name: string, text: string, keys: Record<string, string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const pair of text.split(',')) {
    const [rawKey, rawValue, ...rest] = pair.split('=');
    const key = keys[rawKey?.trim().toLowerCase() ?? ''];
    if (!key || rawValue === undefined || rest.length) {
      throw new ControlHeaderError(`${name}: expected ${Object.keys(keys).join('|')}=N pairs, got '${pair.trim()}'`);
    }
    out[key] = nonNegativeInt(name, rawValue.trim());
  }
  return out;
}

export function parseControls(headers: IncomingHttpHeaders): RequestControls {
  const controls: RequestControls = {};
  const retry = header(headers, 'x-stainless-retry-count');
  if (retry !== undefined && /^\d+$/.test(retry)) controls.retryCount = Number(retry);

  const usage = header(headers, 'x-sim-usage');
  if (usage !== undefined) {
    controls.usage = keyValues('x-sim-usage', usage, {
      prompt: 'prompt',
      input: 'prompt',
      completion: 'completion',
      output: 'completion',
      cached: 'cached',
      cache_read: 'cached',
      cache_write: 'cacheWrite',
      cache_write_1h: 'cacheWrite1h',
      reasoning: 'reasoning',
      audio: 'audio',
      image: 'image',
    });
    const { prompt, cached = 0, cacheWrite = 0, cacheWrite1h = 0, audio = 0, image = 0 } = controls.usage;
    if (prompt !== undefined && cached + cacheWrite + cacheWrite1h > prompt) {
      throw new ControlHeaderError('x-sim-usage: cached + cache_write + cache_write_1h exceed prompt (prompt counts every input token)');
    }
    if (prompt !== undefined && audio + image > prompt) throw new ControlHeaderError('x-sim-usage: audio + image exceed prompt (prompt counts every input token)');
  }
  const chunks = header(headers, 'x-sim-chunks');
  if (chunks !== undefined) {
    controls.chunks = nonNegativeInt('x-sim-chunks', chunks);
    if (controls.chunks < 1) throw new ControlHeaderError('x-sim-chunks: must be at least 1');
  }
  const responseModel = header(headers, 'x-sim-response-model');
  if (responseModel !== undefined) controls.responseModel = responseModel;

  const latency = header(headers, 'x-sim-latency-ms');
  if (latency !== undefined) {
    const values = keyValues('x-sim-latency-ms', latency, { ttfc: 'ttfc', chunk: 'chunk' });
    controls.latency = {};
    if (values.ttfc !== undefined) controls.latency.ttfcMs = values.ttfc;
    if (values.chunk !== undefined) controls.latency.chunkMs = values.chunk;
  }
  const fault = header(headers, 'x-sim-fault');
  if (fault !== undefined) {
    if (!(FAULT_KINDS as readonly string[]).includes(fault)) {
      throw new ControlHeaderError(`x-sim-fault: unknown fault '${fault}' (known: ${FAULT_KINDS.join(', ')})`);
    }
    controls.fault = fault as FaultKind;
  }
  const times = header(headers, 'x-sim-fault-times');
  if (times !== undefined) controls.faultTimes = nonNegativeInt('x-sim-fault-times', times);
  const faultId = header(headers, 'x-sim-fault-id');
  if (faultId !== undefined) controls.faultId = faultId;

  const retryAfter = header(headers, 'x-sim-retry-after');
  if (retryAfter !== undefined) controls.retryAfter = retryAfter;

  const reported = header(headers, 'x-sim-reported-cost');
  if (reported !== undefined) {
    const match = /^(usage|header)=(\d+(?:\.\d+)?)$/.exec(reported);
    if (!match) throw new ControlHeaderError(`x-sim-reported-cost: expected usage=USD or header=USD, got '${reported}'`);
    controls.reportedCost = { where: match[1] as 'usage' | 'header', usd: Number(match[2]) };
  }
  const audioSeconds = header(headers, 'x-sim-audio-seconds');
  if (audioSeconds !== undefined) {
    if (!/^\d+(?:\.\d+)?$/.test(audioSeconds) || Number(audioSeconds) <= 0) throw new ControlHeaderError(`x-sim-audio-seconds: expected a positive number of seconds, got '${audioSeconds}'`);
    controls.audioSeconds = Number(audioSeconds);
  }
  return controls;
}
