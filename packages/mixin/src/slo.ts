// Calls, errors and the two SLIs, counted exactly from per-evaluation increments (increments.ts).
//
// Availability means the provider path: a call is bad when its error.type is in the provider class of
// ERROR_TYPE_CLASSES (429, 5xx, timeout, connection, invalid response, other) and the events are the
// successes plus those failures. Caller cancellations, client mistakes (auth, bad_request, incomplete)
// and quota/billing (insufficient_quota) are neither good nor bad for it: each has its own signal.
//
// Latency: a successful call is good when it finished within the duration target of its model or
// operation; a successful stream is good for the time-to-first-chunk SLI when its first chunk came within
// that target. Healthy long answers stay within generous per-operation targets; a provider that slows
// down pushes calls over them.
import { rateWindow, type LatencyTargets, type MixinSettings } from './config.js';
import { increaseSinceLastEvaluation, sumOfSteps } from './increments.js';
import type { RecordingRule } from './model.js';
import { L, PROM } from './promnames.js';
import { durationSeconds, errorClass, escapeRegex, FAILED, levels, leMatcher, NOT_CANCELLED, sel, SUCCEEDED, sumBy, DURATION, type Matchers } from './promql.js';
import type { RecordNames } from './recording.js';
import { ERROR_TYPE_VALUES } from '@genai-meter/instrumentation-openai/semconv';

/** Events of the availability SLO: successes and provider failures. */
export const SLO_EVENTS: Matchers = errorClass(['provider'], true);
export const PROVIDER_FAILURES: Matchers = errorClass(['provider']);

/** `part / whole`, 0 (not absent) when there were events and no part, absent when there were no events (no 0/0). */
const ratioOf = (part: string, whole: string): string => `(${part} or ${whole} * 0) / (${whole} > 0)`;

export function callRules(s: MixinSettings, n: RecordNames, group: string): RecordingRule[] {
  const lv = levels(s);
  const rw = rateWindow(s);
  const rwSeconds = durationSeconds(rw);
  const calls = (w: string, m: Matchers = {}) => sel(n.calls[w]!, m);
  return [
    {
      group,
      record: n.callsStep,
      expr: sumBy(lv.service_model_error_type, increaseSinceLastEvaluation(sel(DURATION.count), s)),
      help: `Finished calls since the previous evaluation by error.type (none = success), exact: a series' first sample counts in full.`,
    },
    ...Object.keys(n.calls).map(
      (w): RecordingRule => ({
        group,
        record: n.calls[w]!,
        expr: sumBy(lv.service_provider_error_type, sumOfSteps(n.callsStep, w, s)),
        help: `Finished calls in the last ${w} by error.type, exact.`,
      }),
    ),
    {
      group,
      record: n.errorsIncrease5m,
      expr: calls('5m', FAILED),
      help: 'Failed calls in the last 5 minutes by error.type (rate_limit, server_error, timeout, ...), exact.',
    },
    {
      group,
      record: n.errorsRate,
      expr: `${calls(rw, FAILED)} / ${rwSeconds}`,
      help: `Failed calls per second over ${rw} by error.type.`,
    },
    {
      group,
      record: n.requestsRate,
      expr: `${sumBy(lv.service, calls(rw))} / ${rwSeconds}`,
      help: `Calls per second per service over ${rw} (every finished call, failed or not).`,
    },
    {
      group,
      record: n.modelRequestsRate,
      expr: `${sumBy(lv.service_model, sumOfSteps(n.callsStep, rw, s))} / ${rwSeconds}`,
      help: `Calls per second per service, provider and requested model over ${rw}.`,
    },
    ...Object.keys(n.sloCalls).map(
      (w): RecordingRule => ({
        group,
        record: n.sloCalls[w]!,
        expr: sumBy(lv.service, calls(w, SLO_EVENTS)),
        help: `Events of the availability SLO in the last ${w}: successes and provider failures (cancelled, client and quota errors excluded).`,
      }),
    ),
    ...Object.keys(n.errorRatio).map(
      (w): RecordingRule => ({
        group,
        record: n.errorRatio[w]!,
        expr: ratioOf(sumBy(lv.service, calls(w, PROVIDER_FAILURES)), n.sloCalls[w]!),
        help: `Availability error ratio over ${w}: provider failures over successes + provider failures; absent without calls.`,
      }),
    ),
    {
      group,
      record: n.rateLimitedRatio,
      expr: ratioOf(sumBy(lv.service, calls(rw, { [L.errorType]: ERROR_TYPE_VALUES.RATE_LIMIT })), n.sloCalls[rw]!),
      help: 'Share of the availability events that ended in HTTP 429 after the SDK retries.',
    },
    {
      group,
      record: n.clientErrorRatio,
      expr: ratioOf(sumBy(lv.service, calls(s.clientErrors.window, errorClass(['client']))), sumBy(lv.service, calls(s.clientErrors.window, NOT_CANCELLED))),
      help: `Share of the calls not cancelled in the last ${s.clientErrors.window} that the provider refused as the caller's mistake (auth, bad_request, incomplete).`,
    },
  ];
}

export const LATENCY_SLIS = {
  duration: { histogram: PROM.duration, what: 'full duration' },
  time_to_first_chunk: { histogram: PROM.timeToFirstChunk, what: 'time to first chunk (streams)' },
} as const;
export type LatencySli = keyof typeof LATENCY_SLIS;

/** Label on the latency SLI series. */
export const SLI_LABEL = 'sli';

const alternation = (patterns: readonly string[]): string => patterns.map((p) => `(${p})`).join('|');

/** Disjoint selections of a target table, first match wins: each model pattern, each operation, then the rest. */
export function targetSelections(t: LatencyTargets): { matchers: Matchers; seconds: number; what: string }[] {
  const out: { matchers: Matchers; seconds: number; what: string }[] = [];
  const earlier: string[] = [];
  for (const { pattern, seconds } of t.models) {
    out.push({ matchers: { [L.requestModel]: [`=~${pattern}`, ...(earlier.length ? [`!~${alternation(earlier)}`] : [])] }, seconds, what: `models ${pattern}` });
    earlier.push(pattern);
  }
  const notModels: Matchers = earlier.length ? { [L.requestModel]: `!~${alternation(earlier)}` } : {};
  const ops = Object.keys(t.operations);
  for (const op of ops) out.push({ matchers: { ...notModels, [L.operation]: op }, seconds: t.operations[op]!, what: `operation ${op}` });
  out.push({ matchers: { ...notModels, ...(ops.length ? { [L.operation]: `!~${ops.map(escapeRegex).join('|')}` } : {}) }, seconds: t.otherwise, what: 'every other call' });
  return out;
}

export function latencySliRules(s: MixinSettings, n: RecordNames, group: string): RecordingRule[] {
  const model = levels(s).service_model;
  return (Object.keys(LATENCY_SLIS) as LatencySli[]).flatMap((sli): RecordingRule[] => {
    const { histogram, what } = LATENCY_SLIS[sli];
    const labels = { [SLI_LABEL]: sli };
    const step = (record: string) => sel(record, labels);
    const within = targetSelections(s.latency.targets[sli === 'duration' ? 'duration' : 'timeToFirstChunk'])
      .map((t) => increaseSinceLastEvaluation(sel(`${histogram}_bucket`, { ...SUCCEEDED, ...t.matchers, le: leMatcher(t.seconds) }), s))
      .join(' or ');
    return [
      {
        group,
        record: n.latencyWithinTargetStep,
        expr: sumBy(model, within),
        labels,
        help: `Successful calls since the previous evaluation whose ${what} was within their target, exact.`,
      },
      {
        group,
        record: n.latencyCallsStep,
        expr: sumBy(model, increaseSinceLastEvaluation(sel(`${histogram}_count`, SUCCEEDED), s)),
        labels,
        help: `Successful calls since the previous evaluation that have a ${what}, exact.`,
      },
      ...Object.keys(n.latencyCalls).flatMap((w): RecordingRule[] => [
        {
          group,
          record: n.latencyCalls[w]!,
          expr: sumOfSteps(step(n.latencyCallsStep), w, s),
          labels,
          help: `Successful calls with a ${what} in the last ${w}.`,
        },
        {
          group,
          record: n.latencySlowRatio[w]!,
          expr: `1 - ${sumOfSteps(step(n.latencyWithinTargetStep), w, s)} / (${sel(n.latencyCalls[w]!, labels)} > 0)`,
          labels,
          help: `Share of the successful calls of the last ${w} whose ${what} exceeded their target (latency.targets).`,
        },
      ]),
    ];
  });
}
