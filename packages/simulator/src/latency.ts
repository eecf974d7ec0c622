// The latency model: per-family time to first chunk and time per chunk, with seeded jitter
// (log-normal body plus a rare slow tail, as real traffic has), scaled by latencyScale.
// x-sim-latency-ms replaces the model exactly, without jitter or scaling.
import type { RequestControls } from './controls.js';
import type { LatencyProfile } from './models.js';
import type { Rng } from './rng.js';

export interface LatencyPlan {
  ttfcMs: number;
  /** Delay before each content chunk. */
  chunkMs: number[];
}

/** Latency of an error answer: quick, since the server refuses before generating. */
const ERROR_LATENCY_MS = 40;

export function planLatency(profile: LatencyProfile, chunks: number, scale: number, controls: RequestControls, rng: Rng): LatencyPlan {
  // Draw the same amount of randomness whatever the override, so ids stay independent of it.
  const body = Math.exp(0.3 * rng.normal());
  const tail = rng.next() < 0.02 ? 3 + 3 * rng.next() : 1;
  const ttfcJittered = profile.ttfcMs * body * tail * scale;
  const override = controls.latency;
  const ttfcMs = override?.ttfcMs ?? ttfcJittered;
  const chunkMs: number[] = [];
  for (let i = 0; i < chunks; i++) {
    const jittered = profile.chunkMs * (0.6 + 0.8 * rng.next()) * scale;
    chunkMs.push(override?.chunkMs ?? jittered);
  }
  return { ttfcMs: Math.round(ttfcMs), chunkMs: chunkMs.map((ms) => Math.round(ms * 10) / 10) };
}

export function errorLatency(scale: number, controls: RequestControls, rng: Rng): number {
  return Math.round(controls.latency?.ttfcMs ?? ERROR_LATENCY_MS * (0.5 + rng.next()) * scale);
}

export function totalMs(plan: LatencyPlan): number {
  return Math.round(plan.ttfcMs + plan.chunkMs.reduce((a, b) => a + b, 0));
}
