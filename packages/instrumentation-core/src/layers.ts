// One HTTP call that passes through two instrumented layers is recorded once, by the innermost: the AI SDK's
// model call over a provider built on the openai or Anthropic SDK, or a middleware-wrapped model over the
// model it wraps. A layer that may have an instrumented layer under it runs its call inside an OuterCallScope;
// the first Call created inside it (synchronously, or in the async continuations of that call, while the
// scope is open) belongs to a layer nearer the wire, so the outer layer steps aside (records nothing).
// The layer closer to the HTTP call knows what was sent: its retries, headers, usage and cost.
import { AsyncLocalStorage } from 'node:async_hooks';

/** The call of an outer layer, while an inner layer may still take it over. */
export class OuterCallScope {
  private open = true;
  constructor(private readonly stepAside: () => void) {}

  /** The outer call's request is over (its response or failure arrived): later Calls in its context are other calls. */
  close(): void {
    this.open = false;
  }

  /** An inner layer started the call: the outer layer records nothing for it. */
  claim(): void {
    if (!this.open) return;
    this.open = false;
    this.stepAside();
  }
}

// One store per process, shared by every copy of this module (the CommonJS and ES module builds may both be
// loaded, by different instrumentations), created by the first outer layer: no cost for apps without one.
const KEY = Symbol.for('genai-meter.outer-call-scope.v1');
type Holder = { [KEY]?: AsyncLocalStorage<OuterCallScope> };

/** Runs `fn` (which starts the outer layer's call) with `scope` as the call an inner layer would take over. */
export function runAsOuterCall<T>(scope: OuterCallScope, fn: () => T): T {
  const holder = globalThis as Holder;
  return (holder[KEY] ??= new AsyncLocalStorage()).run(scope, fn);
}

/** Called when any instrumentation starts a Call: an enclosing outer layer's call is this one. */
export function claimOuterCall(): void {
  (globalThis as Holder)[KEY]?.getStore()?.claim();
}
