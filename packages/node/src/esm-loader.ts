// import-in-the-middle's loader, which lets the instrumentations patch the ESM copies of the SDKs
// (openai/index.mjs, ...) when an ES module imports them. It must be registered before the app's first
// import of an SDK: the register entry does it first thing. Limited to the SDKs' specifiers
// (ESM_SPECIFIERS) so that no other module of the app goes through the loader.
//
// Preferred: synchronous in-thread hooks (module.registerHooks, via import-in-the-middle's
// register-hooks.mjs) on Node versions that run them correctly (>= 22.22.3, >= 24.11.1). The
// asynchronous module.register() loader is the fallback: it runs in an extra thread that costs start-up
// time and re-executes the app's own --require preloads in that thread.
import * as nodeModule from 'node:module';
import { envChoice, type Env } from './env.js';
import { ESM_SPECIFIERS } from './instrumentation.js';
import { log } from './log.js';

const ASYNC_LOADER = '@opentelemetry/instrumentation/hook.mjs';
const SYNC_HOOKS = 'import-in-the-middle/register-hooks.mjs';
const INCLUDE = [...ESM_SPECIFIERS];
const DONE_KEY = Symbol.for('genai-meter.node.esm-loader.v1');
type Holder = { [DONE_KEY]?: EsmLoaderKind };

export type EsmLoaderKind = 'sync-hooks' | 'async-loader';

/** GENAI_METER_ESM_LOADER: `auto` (default: sync where supported, else async), `sync`, `async`, or `none`. */
export type EsmLoaderChoice = 'auto' | 'sync' | 'async' | 'none';

interface SyncHooks {
  supportsSyncHooks(): boolean;
  register(options: { include: string[] }): void;
}

const load = nodeModule.createRequire(import.meta.url);

/** True when import-in-the-middle's synchronous hooks are registered. */
function registerSyncHooks(asked: boolean): boolean {
  try {
    const hooks = load(SYNC_HOOKS) as SyncHooks;
    if (!hooks.supportsSyncHooks()) {
      if (asked) log.warn(`GENAI_METER_ESM_LOADER=sync: Node ${process.version} cannot run synchronous hooks; using module.register`);
      return false;
    }
    hooks.register({ include: INCLUDE });
    log.debug('ESM: import-in-the-middle synchronous hooks registered');
    return true;
  } catch (error) {
    log.debug(`ESM: synchronous hooks unavailable (${(error as Error).message}); using module.register`);
    return false;
  }
}

/**
 * Registers the loader once per process; undefined when none is registered (GENAI_METER_ESM_LOADER=none,
 * or, with a warning, when this Node cannot).
 */
export function registerEsmLoader(options: { choice?: EsmLoaderChoice; env?: Env } = {}): EsmLoaderKind | undefined {
  const holder = globalThis as Holder;
  if (holder[DONE_KEY]) return holder[DONE_KEY];
  const choice = options.choice ?? envChoice(options.env ?? process.env, 'GENAI_METER_ESM_LOADER', ['auto', 'sync', 'async', 'none'], 'auto');
  if (choice === 'none') return undefined;
  // `node --require ... -e/-p`: import-in-the-middle's synchronous hooks (3.6) break the eval script's own
  // require of builtins there (ENOENT 'module'), so eval mode takes the asynchronous loader.
  const evalMode = typeof (process as { _eval?: unknown })._eval === 'string';
  if (choice === 'sync' || (choice === 'auto' && !evalMode)) {
    if (registerSyncHooks(choice === 'sync')) return (holder[DONE_KEY] = 'sync-hooks');
  }
  if (typeof nodeModule.register !== 'function') {
    log.warn('node:module register() is unavailable: ES module imports of openai will not be instrumented');
    return undefined;
  }
  try {
    nodeModule.register(ASYNC_LOADER, import.meta.url, { data: { include: INCLUDE } });
    return (holder[DONE_KEY] = 'async-loader');
  } catch (error) {
    log.warn(`cannot register the ESM loader ${ASYNC_LOADER}: ${(error as Error).message}; ES module imports of openai will not be instrumented`);
    return undefined;
  }
}
