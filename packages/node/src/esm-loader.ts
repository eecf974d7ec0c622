// import-in-the-middle's loader, which lets the instrumentation patch the ESM copy of openai
// (openai/index.mjs) when an ES module imports it. It must be registered before the app's first
// `import 'openai'`: the register entry does it first thing. Limited to the `openai` specifier so that
// no other module of the app goes through the loader.
import * as nodeModule from 'node:module';
import { log } from './log.js';

const LOADER = '@opentelemetry/instrumentation/hook.mjs';
const DONE_KEY = Symbol.for('genai-meter.node.esm-loader.v1');
type Holder = { [DONE_KEY]?: boolean };

/** Registers the loader once per process; false (with a warning) when this Node cannot. */
export function registerEsmLoader(): boolean {
  const holder = globalThis as Holder;
  if (holder[DONE_KEY]) return true;
  if (typeof nodeModule.register !== 'function') {
    log.warn('node:module register() is unavailable: ES module imports of openai will not be instrumented');
    return false;
  }
  try {
    nodeModule.register(LOADER, import.meta.url, { data: { include: ['openai'] } });
    holder[DONE_KEY] = true;
    return true;
  } catch (error) {
    log.warn(`cannot register the ESM loader ${LOADER}: ${(error as Error).message}; ES module imports of openai will not be instrumented`);
    return false;
  }
}
