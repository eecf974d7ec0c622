// What the register entry's small bundle (register.ts) shares with the main bundle without carrying it: the
// SDK packages genai-meter instruments, as the entry's hooks must recognise them before genai-meter is loaded
// (test/sdk-modules.test.ts checks them against the instrumentations'), and where the entry leaves its start.

/** The packages a require() can name (the instrumentations' module definitions). */
export const SDK_PACKAGES: readonly string[] = ['openai', '@anthropic-ai/sdk', '@google/genai', 'ai'];

/** The ES module specifiers the import hook must see (import-in-the-middle's `include`). */
export const ESM_SPECIFIERS: readonly string[] = ['openai', '@anthropic-ai/sdk', '@google/genai', '@google/genai/node', 'ai'];

/** Where current() (sdk.ts) finds the register entry's start while it waits for an SDK. */
export const REGISTER_KEY = Symbol.for('genai-meter.node.register.v1');
