// import-in-the-middle's loader, which lets the instrumentations patch the ESM copies of the SDKs
// (openai/index.mjs, ...) when an ES module imports them. It must be registered before the app's first
// import of an SDK: the register entry does it first thing. Limited to the SDKs' specifiers
// (ESM_SPECIFIERS) so that no other module of the app goes through the loader.
//
// Preferred: synchronous in-thread hooks (module.registerHooks) on Node versions that run
// import-in-the-middle's synchronous hooks correctly (>= 22.22.3, >= 24.11.1, >= 25.1.0, 26+). Its hook
// module (with a JavaScript parser and a CommonJS lexer) is the largest thing the register entry loads, and
// an app that never imports an SDK's ES module has no use for it: a pass-through hook is registered at
// start, in the hooks chain where import-in-the-middle's would be, and creates import-in-the-middle's hook
// at the first ES module resolution of an included specifier, which it then hands every resolution and
// load. import-in-the-middle wraps only modules imported by an included specifier, so before that
// resolution it would have passed every module through: the result is the same as registering it at start.
// The asynchronous module.register() loader is the fallback: it runs in an extra thread that costs start-up
// time and re-executes the app's own --require preloads in that thread.
import * as nodeModule from 'node:module';
import { pathToFileURL } from 'node:url';
import { deferImportHooks, materializeImportHooks } from './deferred-import-hook.js';
import { envChoice, type Env } from './env.js';
import { log } from './log.js';
import { ESM_SPECIFIERS } from './sdk-modules.js';

const ASYNC_LOADER = '@opentelemetry/instrumentation/hook.mjs';
const IITM_HOOK_MODULE = 'import-in-the-middle/hook.mjs';
const IITM_CREATE_HOOK = 'import-in-the-middle/create-hook.mjs';
const INCLUDE = [...ESM_SPECIFIERS];
const INCLUDED_SPECIFIERS = new Set(INCLUDE);
const DONE_KEY = Symbol.for('genai-meter.node.esm-loader.v1');
/** What runs at the first ES module import of an SDK, whichever copy of this module registered the hooks. */
const FIRST_IMPORT_KEY = Symbol.for('genai-meter.node.esm-loader.first-import.v1');
type Holder = { [DONE_KEY]?: EsmLoaderKind; [FIRST_IMPORT_KEY]?: (() => void)[] };

export type EsmLoaderKind = 'sync-hooks' | 'async-loader';

/** GENAI_METER_ESM_LOADER: `auto` (default: sync where supported, else async), `sync`, `async`, or `none`. */
export type EsmLoaderChoice = 'auto' | 'sync' | 'async' | 'none';

type ResolveContext = { conditions?: readonly string[]; parentURL?: string };
type Next<C, R> = (target: string, context?: C) => R;
interface SyncHook {
  resolveSync(specifier: string, context: ResolveContext, next: Next<ResolveContext, unknown>): unknown;
  loadSync(url: string, context: unknown, next: Next<unknown, unknown>): unknown;
  applyOptions(options: { include: string[] }): void;
}
type RegisterHooks = (hooks: {
  resolve(specifier: string, context: ResolveContext, next: Next<ResolveContext, unknown>): unknown;
  load(url: string, context: unknown, next: Next<unknown, unknown>): unknown;
}) => unknown;

/** Whether this Node runs import-in-the-middle's synchronous hooks correctly (nodejs/node#59929). */
export function syncHooksSupported(version: string = process.versions.node): boolean {
  const [major = 0, minor = 0, patch = 0] = version.split(/[.-]/).map((n) => parseInt(n, 10));
  const atLeast = (m: number, p: number) => minor > m || (minor === m && patch >= p);
  if (major >= 26) return true;
  if (major === 25) return atLeast(1, 0);
  if (major === 24) return atLeast(11, 1);
  if (major === 22) return atLeast(22, 3);
  return false;
}

const load = nodeModule.createRequire(import.meta.url);

/** import-in-the-middle's synchronous hook, created as its register-hooks.mjs creates it. */
function createIitmHook(): SyncHook {
  const { createHook } = load(IITM_CREATE_HOOK) as { createHook(meta: { url: string }): SyncHook };
  const hook = createHook({ url: pathToFileURL(load.resolve(IITM_HOOK_MODULE)).href });
  hook.applyOptions({ include: INCLUDE });
  log.debug('ESM: import-in-the-middle synchronous hooks created at the first ES module import of an SDK');
  return hook;
}

/** `@scope/name/sub` -> `@scope/name`, `name/sub` -> `name`. */
const packageOf = (specifier: string) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
const INCLUDED_PACKAGES = new Set(INCLUDE.map(packageOf));
/** How long after an SDK's ES module is resolved its import hooks must have run. */
const HOOKS_RAN_WITHIN_MS = 3000;

type IitmHookClass = new (modules: string[], options: { internals: boolean }, hook: (exports: unknown, name: string) => unknown) => unknown;

/**
 * Returns what to call with each resolution import-in-the-middle's hook made: when an SDK's ES module was
 * marked for wrapping here but no import hook of this copy of import-in-the-middle ran for it, another copy
 * (another agent's ESM loader) wrapped the module instead and the SDK's calls are not measured: say so
 * once, instead of recording nothing in silence.
 */
function watchHooksRan(): (specifier: string, result: unknown) => void {
  const reached = new Set<string>();
  const { Hook } = load('import-in-the-middle') as { Hook: IitmHookClass };
  new Hook(INCLUDE, { internals: true }, (exports, name) => {
    reached.add(packageOf(name));
    return exports;
  });
  const watched = new Set<string>();
  return (specifier, result) => {
    const url = (result as { url?: unknown } | undefined)?.url;
    if (typeof url !== 'string' || !url.includes('iitm=')) return;
    const name = packageOf(specifier);
    if (!INCLUDED_PACKAGES.has(name) || watched.has(name)) return;
    watched.add(name);
    const check = setTimeout(() => {
      if (!reached.has(name)) {
        log.warn(`the ES module copy of ${name} was imported, but genai-meter's import hook never ran for it: another copy of import-in-the-middle (another agent's ESM loader) took the module over, so its calls are not measured. Load that agent's ESM loader only for the modules it instruments, or use the CommonJS copy.`);
      }
    }, HOOKS_RAN_WITHIN_MS);
    check.unref();
  };
}

/** True when the synchronous hooks are registered. */
function registerSyncHooks(asked: boolean): boolean {
  const registerHooks = (nodeModule as { registerHooks?: RegisterHooks }).registerHooks;
  if (typeof registerHooks !== 'function' || !syncHooksSupported()) {
    if (asked) log.warn(`GENAI_METER_ESM_LOADER=sync: Node ${process.version} cannot run synchronous hooks; using module.register`);
    return false;
  }
  try {
    // Fail here, not at the first import, when the package is missing.
    load.resolve(IITM_CREATE_HOOK);
  } catch (error) {
    log.debug(`ESM: synchronous hooks unavailable (${(error as Error).message}); using module.register`);
    return false;
  }
  let hook: SyncHook | undefined;
  let resolved: ((specifier: string, result: unknown) => void) | undefined;
  // Set once creation has started: import-in-the-middle's own modules are resolved through this hook while
  // it loads them, and pass through.
  let started = false;
  registerHooks({
    resolve(specifier, context, next) {
      if (!started && INCLUDED_SPECIFIERS.has(specifier) && !context.conditions?.includes('require')) {
        started = true;
        const holder = globalThis as Holder;
        const first = holder[FIRST_IMPORT_KEY] ?? [];
        delete holder[FIRST_IMPORT_KEY];
        for (const run of first) {
          try {
            run();
          } catch (error) {
            log.warn(`cannot start at the first ES module import of ${specifier}: ${(error as Error).message}`);
          }
        }
        try {
          materializeImportHooks();
          hook = createIitmHook();
          resolved = watchHooksRan();
        } catch (error) {
          log.warn(`cannot create import-in-the-middle's hook: ${(error as Error).message}; ES module imports of the SDKs will not be instrumented`);
        }
      }
      if (!hook) return next(specifier, context);
      const result = hook.resolveSync(specifier, context, next);
      resolved?.(specifier, result);
      return result;
    },
    load(url, context, next) {
      return hook ? hook.loadSync(url, context, next) : next(url, context);
    },
  });
  // The instrumentations' import hooks wait for that import too (deferred-import-hook.ts).
  deferImportHooks();
  log.debug('ESM: synchronous hooks registered (import-in-the-middle is created at the first ES module import of an SDK)');
  return true;
}

/**
 * Registers the loader once per process; undefined when none is registered (GENAI_METER_ESM_LOADER=none,
 * or, with a warning, when this Node cannot).
 */
export function registerEsmLoader(
  options: {
    choice?: EsmLoaderChoice;
    env?: Env;
    /** Runs at the first ES module import of an SDK, before it is resolved (synchronous hooks only). */
    beforeFirstImport?: () => void;
  } = {},
): EsmLoaderKind | undefined {
  const holder = globalThis as Holder;
  // Kept even when the hooks were registered before (another copy, an app's own call): they run it.
  if (options.beforeFirstImport) (holder[FIRST_IMPORT_KEY] ??= []).push(options.beforeFirstImport);
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
