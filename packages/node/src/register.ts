// Side-effect entry: `node --require @genai-meter/node/register app.js` (dist/register.cjs) or
// `node --import @genai-meter/node/register app.mjs` (dist/register.js). Registers the ESM loader for
// openai, then starts genai-meter from the environment (OTEL_SDK_DISABLED=true makes it inert).
// Everything it runs comes from the package's main module (one bundled file once built).
import { isMainThread } from 'node:worker_threads';
import { diag, DiagConsoleLogger } from '@opentelemetry/api';
import { diagLogLevelFromString } from '@opentelemetry/core';
import { registerEsmLoader, start } from './index.js';
import { narrowRequireHook } from './require-hook.js';

// Like sdk-node: a console diag logger only when OTEL_LOG_LEVEL asks for one.
const level = diagLogLevelFromString(process.env.OTEL_LOG_LEVEL?.trim() || undefined);
if (level !== undefined) diag.setLogger(new DiagConsoleLogger(), { logLevel: level });

// Node runs --require preloads again inside the thread that hosts module.register() hooks, and app
// worker threads inherit them: start only in the main thread (one exporter, one Prometheus port).
if (isMainThread) {
  // start() validates OTEL_SDK_DISABLED (and warns on a bad value); this only skips the loader when it is off.
  if (process.env.OTEL_SDK_DISABLED?.trim().toLowerCase() !== 'true') registerEsmLoader();
  narrowRequireHook(
    () => start({ announceWhenAnSdkLoads: true }),
    (meter) => meter.instrumentations.flatMap((i) => i.getModuleDefinitions()),
  );
}
