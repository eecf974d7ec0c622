// The SDK packages genai-meter instruments, as the register entry's hooks must recognise them before
// genai-meter itself is loaded (register.ts): kept here, without the instrumentations, so that the entry's
// small bundle does not carry them. test/sdk-modules.test.ts checks them against the instrumentations'.

/** The packages a require() can name (the instrumentations' module definitions). */
export const SDK_PACKAGES: readonly string[] = ['openai', '@anthropic-ai/sdk', '@google/genai', 'ai'];

/** The ES module specifiers the import hook must see (import-in-the-middle's `include`). */
export const ESM_SPECIFIERS: readonly string[] = ['openai', '@anthropic-ai/sdk', '@google/genai', '@google/genai/node', 'ai'];
