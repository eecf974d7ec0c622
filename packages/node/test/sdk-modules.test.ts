// The register entry recognises the SDKs by these lists before the instrumentations are loaded: they must
// name exactly what the instrumentations hook.
import { describe, expect, it } from 'vitest';
import { GOOGLE_GENAI_ESM_SPECIFIERS } from '@genai-meter/instrumentation-google-genai';
import { createInstrumentations } from '../src/index.js';
import { ESM_SPECIFIERS, SDK_PACKAGES } from '../src/sdk-modules.js';

describe("the register entry's list of SDKs", () => {
  it("names every module the instrumentations hook, and every ES module specifier they are imported by", () => {
    const instrumentations = createInstrumentations({ pricing: false });
    const hooked = instrumentations.flatMap((i) => i.getModuleDefinitions().map((d) => d.name));
    for (const i of instrumentations) i.disable();
    expect([...SDK_PACKAGES].sort()).toEqual([...new Set(hooked)].sort());
    // An ES module is imported by its package's name, or by the subpaths an instrumentation lists (import-in-the-middle
    // names '@google/genai/node' by its file, which @google/genai's instrumentation hooks).
    expect([...ESM_SPECIFIERS].sort()).toEqual([...new Set([...hooked, ...GOOGLE_GENAI_ESM_SPECIFIERS])].sort());
  });
});
