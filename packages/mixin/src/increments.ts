// Exact counting of cumulative series, for spend and call counts.
//
// increase() ignores a series' first sample and extrapolates to the window's edges. OTel series appear
// at their first export already non-zero (a batch job that exports once at exit, a restarted process,
// a new pod, the first error of a kind), so increase() loses that money. Instead, every evaluation
// records how much each series grew since the previous evaluation, counting in full a series' first
// sample (nothing before it) and a counter reset (a process restarted behind the same target). Summed
// over a window these per-step increments telescope: the result is exactly what the samples in the
// window added, on Prometheus 2.x and 3.x alike. Windows are summed over `window - step/2` so that the
// closed ranges of 2.x and the left-open ranges of 3.x hold the same samples (those of the steps in
// the window, never the one at its start). Steps read the raw counters `ingestionDelay` in the past, so
// a sample that lands after the evaluation covering its timestamp (a scrape in flight, remote write) is
// still counted; everything derived from the steps lags by that much (spend.ts shifts the UTC day too).
import type { MixinSettings } from './config.js';
import { durationSeconds, formatDuration } from './durations.js';

type StepSettings = Pick<MixinSettings, 'evaluationInterval' | 'counterGapTolerance' | 'ingestionDelay'>;

/**
 * Per series of `selector`: its growth over the step `ingestionDelay` before the evaluation; its whole
 * value when it has no sample within `counterGapTolerance` before that (it was born) or when it went
 * down (a reset).
 */
export function increaseSinceLastEvaluation(selector: string, s: StepSettings): string {
  return increaseSince(selector, s.evaluationInterval, s.counterGapTolerance, durationSeconds(s.ingestionDelay));
}

/**
 * The same over any `offset`: growth since `offset` ago, a series born since then or reset counting in
 * full; read `delaySeconds` in the past. "Now" is the series' last sample within `offset`, not the
 * instant value, so the last samples of a series that went stale since the previous evaluation (a
 * process that died, a failed scrape) still count.
 */
export function increaseSince(selector: string, offset: string, lookback: string, delaySeconds = 0): string {
  const at = (seconds: number) => (seconds > 0 ? ` offset ${formatDuration(seconds)}` : '');
  const now = `last_over_time(${selector}[${offset}]${at(delaySeconds)})`;
  const previous = `last_over_time(${selector}[${lookback}]${at(durationSeconds(offset) + delaySeconds)})`;
  return `((${now} - ${previous}) >= 0 or ${now})`;
}

/** Record-name suffix of a per-evaluation increment: `increase1m` for a 1m evaluation interval. */
export const stepOperation = (s: Pick<MixinSettings, 'evaluationInterval'>): string => `increase${s.evaluationInterval}`;

/** The range that holds exactly the steps of the last `window` on both Prometheus 2.x and 3.x. */
export function stepRange(window: string, s: Pick<MixinSettings, 'evaluationInterval'>): string {
  return formatDuration(durationSeconds(window) - durationSeconds(s.evaluationInterval) / 2);
}

/** The sum of a recorded per-step increment over the last `window`. */
export function sumOfSteps(stepSelector: string, window: string, s: Pick<MixinSettings, 'evaluationInterval'>): string {
  return `sum_over_time(${stepSelector}[${stepRange(window, s)}])`;
}
