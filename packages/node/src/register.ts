// Side-effect entry: `node --require @genai-meter/node/register app.js` (dist/register.cjs) or
// `node --import @genai-meter/node/register app.mjs` (dist/register.js).
//
// Under NODE_OPTIONS every Node process runs it (npm, build tools, CLIs), and most of them never load an LLM
// SDK. So at start it only puts in place hooks that recognise the first require() or ES module import of an
// SDK genai-meter instruments (sdk-modules.ts); that first load, before it goes on, loads genai-meter's main
// bundle (dist/index.cjs) and starts it, whose hooks then patch the SDK. This entry is its own small bundle:
// it loads neither OpenTelemetry nor the instrumentations. Configuration is read, and reported on stderr,
// when genai-meter starts; OTEL_SDK_DISABLED=true leaves every hook out.
import { createRequire } from 'node:module';
import type * as Main from './index.js';
import { registerEsmLoader } from './esm-loader.js';
import { attachDiag, log } from './log.js';
import { gateRequire } from './require-hook.js';
import { REGISTER_KEY, SDK_PACKAGES } from './sdk-modules.js';

const load = createRequire(import.meta.url);
let main: typeof Main | undefined;

function loadMain(): typeof Main {
  if (!main) {
    main = load('./index.cjs') as typeof Main;
    attachDiag(main._registerEntry.diag);
  }
  return main;
}

let started = false;
function startGenAIMeter(): void {
  if (started) return;
  started = true;
  delete (globalThis as Record<symbol, unknown>)[REGISTER_KEY];
  // The documented answer, should Node's marker below ever go: worker_threads costs next to nothing once an
  // SDK is loading.
  if (!process.getBuiltinModule('node:worker_threads').isMainThread) return;
  try {
    loadMain()._registerEntry.start();
  } catch (error) {
    log.warn(`cannot start: ${(error as Error).message}; LLM calls are not measured`);
  }
}

// Node runs --require preloads again in the thread that hosts module.register() hooks, and app worker
// threads inherit them: start only in the main thread (one exporter, one Prometheus port). Node makes a
// worker's process.chdir a stand-in marked `disabled` (chdir is not available in workers); asking
// worker_threads at start would cost every process more memory than this whole entry.
const inWorker = (process.chdir as { disabled?: unknown }).disabled === true;
/** The levels for which OTEL_LOG_LEVEL installs a console diag logger (as sdk-node; `none` installs none). */
const LOG_LEVELS = new Set(['error', 'warn', 'info', 'debug', 'verbose', 'all']);
if (!inWorker) {
  const holder = globalThis as Record<symbol, unknown>;
  // The diag API comes with genai-meter: a logger asked for is installed at once, with genai-meter loaded.
  if (LOG_LEVELS.has(process.env.OTEL_LOG_LEVEL?.trim().toLowerCase() ?? '')) {
    try {
      loadMain()._registerEntry.useDiagLoggerFromEnv();
    } catch (error) {
      log.warn(`cannot load: ${(error as Error).message}; LLM calls are not measured`);
    }
  }
  if (process.env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') {
    // No hook at all; current() still returns the (disabled) instance.
    holder[REGISTER_KEY] = startGenAIMeter;
  } else {
    // Whichever comes first starts genai-meter in the gate's place: a require() of an SDK, an ES module
    // import of one, current() (a bundled app handing its SDK over).
    const startInPlace = gateRequire(SDK_PACKAGES, startGenAIMeter);
    const esm = registerEsmLoader({ beforeFirstImport: startInPlace });
    // module.register()'s thread wraps the SDKs' ES modules with no call back into this thread first: the
    // hooks they run must be in place already.
    if (esm === 'async-loader') startInPlace();
    else holder[REGISTER_KEY] = startInPlace;
  }
}
