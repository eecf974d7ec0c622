// Stands in for import-in-the-middle's main module in the bundle (package.json bundle.alias), where
// @opentelemetry/instrumentation's base class creates a `Hook` for each instrumented module in enable().
// import-in-the-middle's main module loads worker_threads and its stream machinery, and an app that never
// imports an SDK's ES module has no use for it. Once the register entry's synchronous hooks are in place
// (esm-loader.ts calls deferImportHooks), a Hook here only records its arguments; the real hooks are made,
// in creation order, when esm-loader.ts sees the first ES module import of an SDK (materializeImportHooks),
// which comes before any wrapped module runs. Otherwise (module.register loader, another agent's loader,
// programmatic use) a Hook is made at once, as before.
//
// Hooks of one copy of import-in-the-middle run in the order they were registered, and that order decides
// which agent's wrapper ends up outermost. So that deferring does not change it, a placeholder takes the
// hooks' place in import-in-the-middle's registry (its lib/register.js, small and without builtins) when
// deferring starts, and the real hooks are moved there once made.
import { createRequire } from 'node:module';

type HookFn = (exports: unknown, name: string, baseDir?: string) => unknown;
type HookOptions = { internals?: boolean } | null;
interface RealHook {
  unhook(): void;
}
type RealHookClass = new (modules: string[] | null, options: HookOptions, hookFn: HookFn) => RealHook;

/** Loaded through createRequire so that the bundle's alias of import-in-the-middle does not apply here. */
const load = createRequire(import.meta.url);
let realHookClass: RealHookClass | undefined;
const realHook = (): RealHookClass => (realHookClass ??= (load('import-in-the-middle') as { Hook: RealHookClass }).Hook);

/**
 * While deferring: import-in-the-middle's registry of hooks, the placeholder holding our place in it, and
 * the Hooks created and not unhooked, in creation order (a Set keeps insertion order). Kept on globalThis:
 * the register entry's small bundle starts deferring, the main bundle's copy of this module creates the
 * Hooks, and either materializes them.
 */
interface Deferred {
  registry: unknown[];
  placeholder: () => void;
  pending: Set<Hook>;
}
const DEFERRED_KEY = Symbol.for('genai-meter.node.deferred-import-hooks.v1');
const state = globalThis as { [DEFERRED_KEY]?: Deferred };

export class Hook {
  private real: RealHook | undefined;
  private readonly args: [string[] | null, HookOptions, HookFn];

  // The same call shapes as import-in-the-middle's Hook: (modules, options, fn), (modules, fn), (fn).
  constructor(modules: string[] | HookFn | null, options?: HookOptions | HookFn, hookFn?: HookFn) {
    if (typeof modules === 'function') this.args = [null, null, modules];
    else if (typeof options === 'function') this.args = [modules, null, options];
    else this.args = [modules, options ?? null, hookFn as HookFn];
    const deferred = state[DEFERRED_KEY];
    if (deferred) deferred.pending.add(this);
    else this.materialize();
  }

  /** Makes the real hook (idempotent). */
  materialize(): void {
    state[DEFERRED_KEY]?.pending.delete(this);
    if (this.real) return;
    const Real = realHook();
    this.real = new Real(...this.args);
  }

  unhook(): void {
    state[DEFERRED_KEY]?.pending.delete(this);
    this.real?.unhook();
  }
}

/**
 * From now on Hooks are recorded until materializeImportHooks (called by the synchronous ESM hooks).
 * False, and Hooks are still made at once, when import-in-the-middle's registry is not where expected.
 */
export function deferImportHooks(): boolean {
  if (state[DEFERRED_KEY]) return true;
  try {
    const { importHooks } = load('import-in-the-middle/lib/register.js') as { importHooks?: unknown };
    if (!Array.isArray(importHooks)) return false;
    const placeholder = function genaiMeterDeferredImportHooks(): void {};
    importHooks.push(placeholder);
    state[DEFERRED_KEY] = { registry: importHooks, placeholder, pending: new Set() };
    return true;
  } catch {
    return false;
  }
}

/** Makes the real hooks of every recorded Hook, in the placeholder's place, and stops deferring. */
export function materializeImportHooks(): void {
  const deferred = state[DEFERRED_KEY];
  if (!deferred) return;
  const { registry, placeholder, pending } = deferred;
  delete state[DEFERRED_KEY];
  const end = registry.length;
  try {
    for (const hook of [...pending]) hook.materialize();
  } finally {
    const made = registry.splice(end);
    const at = registry.indexOf(placeholder);
    if (at === -1) registry.push(...made);
    else registry.splice(at, 1, ...made);
  }
}
