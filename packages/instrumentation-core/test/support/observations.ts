// What a caller observes of an SDK call, as JSON-comparable data, for the differential transparency suites:
// run a scenario without and with the instrumentation, and the observations must be identical.
/* eslint-disable @typescript-eslint/no-explicit-any */

export type Observation = unknown;

/** A thrown error as the caller can see it (every field any of the SDKs sets; absent ones are dropped by JSON). */
export function describeError(err: any): Observation {
  return JSON.parse(
    JSON.stringify({
      thrown: true,
      class: err?.constructor?.name,
      name: err?.name,
      // The simulator's port differs between the two runs; nothing else in a message may.
      message: String(err?.message).replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT'),
      status: err?.status,
      code: err?.code,
      type: err?.type,
      param: err?.param,
      error: err?.error,
      requestID: err?.request_id ?? err?.requestID,
      cause: err?.cause?.code ?? err?.cause?.name,
    }),
  );
}

/**
 * The observation helpers for one SDK, given what legitimately differs between two runs of its scenarios
 * (wall-clock fields, dates): `normalize` replaces those with constants. `describe` is how its errors are
 * described, when they carry more than describeError reads.
 */
export function observer(normalize: (value: unknown) => unknown, describe: (err: unknown) => Observation = describeError) {
  return {
    /** The value a call resolved with, or the error it threw. */
    async outcome(fn: () => Promise<unknown>): Promise<Observation> {
      try {
        return { value: normalize(await fn()) };
      } catch (err) {
        return describe(err);
      }
    },
    /** The items of a stream up to `limit`, and the error that ended it if one did. */
    async collect(stream: AsyncIterable<unknown>, limit = Infinity): Promise<Observation> {
      const items: unknown[] = [];
      try {
        for await (const item of stream) {
          items.push(item);
          if (items.length >= limit) break;
        }
        return { items: normalize(items) };
      } catch (err) {
        return { items: normalize(items), error: describe(err) };
      }
    },
    /** What the caller can see of the promise a call returned: its own keys (read at once), its class, once it settled. */
    async promiseShape(p: Promise<unknown>): Promise<Observation> {
      const keys = Object.keys(p).sort();
      await p;
      return { keys, isPromise: p instanceof Promise, ctor: p.constructor.name };
    },
    /** The items of an SDK stream whose controller the caller aborts after `n` items; then whether it ended aborted, or the error that ended it. */
    async abortAfter(stream: AsyncIterable<unknown> & { controller: AbortController }, n: number): Promise<Observation> {
      const items: unknown[] = [];
      try {
        for await (const item of stream) {
          items.push(item);
          if (items.length === n) stream.controller.abort();
        }
        return { items: normalize(items), aborted: stream.controller.signal.aborted };
      } catch (err) {
        return { items: normalize(items), error: describe(err) };
      }
    },
  };
}
