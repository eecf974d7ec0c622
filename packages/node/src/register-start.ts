// What the register entry (register.ts, its own small bundle) runs from genai-meter's main bundle once it
// needs it: exported from index.ts as `_registerEntry`, not a public API.
import { diag, DiagConsoleLogger } from '@opentelemetry/api';
import { diagLogLevelFromString } from '@opentelemetry/core';
import { narrowRequireHook } from './require-hook.js';
import { start, type GenAIMeter } from './sdk.js';

/** @internal For the register entry (register.ts); not a public API. */
export const _registerEntry = {
  diag,
  /** Like sdk-node: a console diag logger only when OTEL_LOG_LEVEL asks for one. */
  useDiagLoggerFromEnv(): void {
    const level = diagLogLevelFromString(process.env.OTEL_LOG_LEVEL?.trim() || undefined);
    if (level !== undefined) diag.setLogger(new DiagConsoleLogger(), { logLevel: level });
  },
  /** start(), with the require() hook it installs narrowed to the SDKs' modules (require-hook.ts). */
  start(): GenAIMeter {
    return narrowRequireHook(
      () => start({ announceWhenAnSdkLoads: true }),
      (meter) => meter.instrumentations.flatMap((i) => i.getModuleDefinitions()),
    );
  },
};
