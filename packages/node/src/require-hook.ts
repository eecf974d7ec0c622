// The instrumentations' base class (@opentelemetry/instrumentation) hooks require() through
// require-in-the-middle with no list of modules, so that any instrumentation can find its module by name:
// every require() in the process then resolves its module a second time and looks up the package's main
// file once more before loading it. The register entry's copy of that class only hooks the SDKs
// genai-meter instruments, so the entry narrows the hook it installed to the requests that can name one of
// them; every other require() goes straight to the function that was there before (Node's, or another
// tool's hook).
import Module from 'node:module';

/** A module an instrumentation hooks: its name, and whether it also hooks files inside the package. */
export interface HookedModule {
  name: string;
  files: readonly unknown[];
}

/** A require() request that can load the main module of `names`: the name itself or a path inside the package. */
export function mayName(names: readonly string[]): (id: unknown) => boolean {
  return (id) => typeof id === 'string' && names.some((n) => id === n || id.startsWith(`${n}/`));
}

/**
 * A require() made from inside one of `names`' installed packages (a module hooked by its files is reached
 * through such relative requires).
 */
export function fromInside(names: readonly string[]): (filename: unknown) => boolean {
  const dirs = names.map((n) => `/node_modules/${n}/`);
  return (filename) => typeof filename === 'string' && dirs.some((d) => filename.replaceAll('\\', '/').includes(d));
}

type RequireFn = (this: Module, id: string) => unknown;

/**
 * Puts a gate on require() and returns `startInPlace`, which runs `first` once. While `first` runs,
 * Module.prototype.require is what it was when the gate was put in place, so that a hook `first` installs
 * there (require-in-the-middle's) takes the gate's place in the chain of require hooks: below the hooks other
 * tools installed since, as if it had been installed instead of the gate. From then on the gate hands every
 * require() to what took its place. The gate itself calls `startInPlace` at the first require() that can name
 * one of `names`, before that require() goes on; other triggers (an ES module import, current()) call it too.
 */
export function gateRequire(names: readonly string[], first: () => void): () => void {
  const proto = Module.prototype as unknown as { require: RequireFn };
  const before = proto.require;
  const mayBeSdk = mayName(names);
  let next: RequireFn | undefined;
  const startInPlace = (): void => {
    if (next !== undefined) return;
    const above = proto.require;
    proto.require = before;
    try {
      first();
    } finally {
      next = proto.require;
      proto.require = above === gate ? next : above;
    }
  };
  const gate = function genaiMeterRequireGate(this: Module, id: string): unknown {
    if (next === undefined && mayBeSdk(id)) startInPlace();
    // eslint-disable-next-line prefer-rest-params
    return (next ?? before).apply(this, arguments as unknown as [string]);
  };
  proto.require = gate;
  return startInPlace;
}
type GetBuiltin = typeof process.getBuiltinModule;

/**
 * Runs `install` (which may hook require() through require-in-the-middle), then leaves that hook in the path
 * of the requests that can name a module `hooked(result)` lists, and, for a module hooked by its files, of
 * every require() made from inside its package. Returns what `install` returned.
 */
export function narrowRequireHook<T>(install: () => T, hooked: (result: T) => readonly HookedModule[]): T {
  const proto = Module.prototype as unknown as { require: RequireFn };
  const before = proto.require;
  const beforeBuiltin: GetBuiltin | undefined = process.getBuiltinModule;
  const result = install();
  const hookedRequire = proto.require;
  const modules = hooked(result);
  if (hookedRequire === before) return result;
  const names = mayName(modules.map((m) => m.name));
  const byFiles = modules.filter((m) => m.files.length > 0).map((m) => m.name);
  const inside = byFiles.length > 0 ? fromInside(byFiles) : undefined;
  proto.require = function narrowedRequire(this: Module, id: string): unknown {
    const passes = names(id) || (inside !== undefined && inside(this?.filename));
    // eslint-disable-next-line prefer-rest-params
    return (passes ? hookedRequire : before).apply(this, arguments as unknown as [string]);
  };
  // require-in-the-middle also hooks process.getBuiltinModule; the SDKs are not builtins.
  if (beforeBuiltin && process.getBuiltinModule !== beforeBuiltin && !modules.some((m) => Module.isBuiltin(m.name))) {
    process.getBuiltinModule = beforeBuiltin;
  }
  return result;
}
