// Flush on the way out, so that a short script loses nothing, and never hold the exit longer than the
// shutdown timeout (a collector that is down or black-holes connections must not hang a deploy).
//
// beforeExit: the event loop is empty (a script that finished). Shut the pipeline down; if that takes
//   longer than the timeout, exit with the code the app had set.
// SIGTERM / SIGINT: adding a listener disables Node's default "terminate". If genai-meter is the only
//   listener, it shuts down (bounded) and then re-raises the signal with its listener removed, so the
//   process still ends by that signal (exit status 128+n, as without genai-meter). If the app has its own
//   listener, the app owns the exit: genai-meter only starts a flush and does not exit.

export interface ExitHooks {
  remove(): void;
}

type Shutdown = () => Promise<void>;
type Flush = () => Promise<void>;

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** Resolves true when `work` finished in time, false on timeout (the timer does not keep the process alive). */
export function withTimeout(work: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    timer.unref();
    work.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      () => {
        clearTimeout(timer);
        resolve(true);
      },
    );
  });
}

export function installExitHooks(shutdown: Shutdown, flush: Flush, timeoutMillis: number): ExitHooks {
  let shutdownStarted: Promise<boolean> | undefined;
  const boundedShutdown = (): Promise<boolean> => (shutdownStarted ??= withTimeout(shutdown(), timeoutMillis));

  const onBeforeExit = (): void => {
    if (shutdownStarted) return; // fires again once our own shutdown work has drained
    void boundedShutdown().then((inTime) => {
      if (!inTime) process.exit(); // process.exitCode, as the app left it
    });
  };

  const signalHandlers = new Map<NodeJS.Signals, () => void>();
  for (const signal of SIGNALS) {
    const handler = (): void => {
      const appHandlesIt = process.listenerCount(signal) > 1;
      if (appHandlesIt) {
        void withTimeout(flush(), timeoutMillis);
        return;
      }
      void boundedShutdown().then(() => {
        process.removeListener(signal, handler);
        process.kill(process.pid, signal);
      });
    };
    signalHandlers.set(signal, handler);
    process.on(signal, handler);
  }
  process.on('beforeExit', onBeforeExit);

  return {
    remove() {
      process.removeListener('beforeExit', onBeforeExit);
      for (const [signal, handler] of signalHandlers) process.removeListener(signal, handler);
    },
  };
}
