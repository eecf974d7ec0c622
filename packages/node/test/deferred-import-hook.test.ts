// The stand-in for import-in-the-middle's Hook in the bundle: deferred hooks keep their place among other
// agents' hooks, and unhook() works before and after they are made.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { deferImportHooks, Hook, materializeImportHooks } from '../src/deferred-import-hook.js';

const load = createRequire(import.meta.url);
type RealHook = { _iitmHook: unknown; unhook(): void };
const { Hook: RealHookClass } = load('import-in-the-middle') as { Hook: new (m: string[], o: object, f: () => unknown) => RealHook };
const { importHooks } = load('import-in-the-middle/lib/register.js') as { importHooks: unknown[] };

describe('deferred import-in-the-middle hooks', () => {
  it('are made at materialization, in the place they were created in, and can be unhooked before and after', () => {
    const before = new RealHookClass(['before'], {}, () => undefined);
    expect(deferImportHooks()).toBe(true);
    const start = importHooks.length;
    const kept = new Hook(['openai'], { internals: true }, (exports) => exports);
    const dropped = new Hook(['ai'], (exports) => exports);
    dropped.unhook();
    // Another agent's hook, registered after ours were created: it must stay after them.
    const after = new RealHookClass(['after'], {}, () => undefined);
    expect(importHooks.length).toBe(start + 1);

    materializeImportHooks();
    expect(importHooks.length).toBe(start + 1);
    const at = importHooks.indexOf(before._iitmHook);
    expect(importHooks.indexOf(after._iitmHook)).toBe(at + 2);
    const ours = importHooks[at + 1];
    expect(typeof ours).toBe('function');

    // Made at once from now on, and unhooked from the registry.
    const late = new Hook(['late'], null, () => undefined);
    expect(importHooks.length).toBe(start + 2);
    kept.unhook();
    late.unhook();
    expect(importHooks).not.toContain(ours);
    expect(importHooks.length).toBe(start);
    before.unhook();
    after.unhook();
  });
});
