// The instrumentation's base class (@opentelemetry/instrumentation) hooks require() through
// require-in-the-middle with no list of modules, so that any instrumentation can find its module by name:
// every require() in the process then resolves its module a second time and looks up the package's main
// file once more before loading it. The register entry's copy of that class only ever hooks `openai`, so
// the entry narrows the hook it installed to the requests that can name openai; every other require()
// goes straight to the function that was there before (Node's, or another tool's hook).
import Module from 'node:module';

/** A require() request that can load openai's main module: `openai` or a path inside the package. */
export const mayNameOpenAI = (id: unknown): boolean => typeof id === 'string' && (id === 'openai' || id.startsWith('openai/'));

type RequireFn = (this: Module, id: string) => unknown;
type GetBuiltin = typeof process.getBuiltinModule;

/**
 * Runs `install` (which may hook require() through require-in-the-middle) and leaves that hook in the
 * path of openai requests only. Returns what `install` returned.
 */
export function narrowRequireHook<T>(install: () => T): T {
  const proto = Module.prototype as unknown as { require: RequireFn };
  const before = proto.require;
  const beforeBuiltin: GetBuiltin | undefined = process.getBuiltinModule;
  const result = install();
  const hooked = proto.require;
  if (hooked !== before) {
    proto.require = function narrowedRequire(this: Module, id: string): unknown {
      // eslint-disable-next-line prefer-rest-params
      return (mayNameOpenAI(id) ? hooked : before).apply(this, arguments as unknown as [string]);
    };
  }
  // require-in-the-middle also hooks process.getBuiltinModule; openai is not a builtin.
  if (beforeBuiltin && process.getBuiltinModule !== beforeBuiltin) process.getBuiltinModule = beforeBuiltin;
  return result;
}
