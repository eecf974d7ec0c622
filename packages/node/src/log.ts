// Where genai-meter's own messages go. Configuration problems, and where the metrics go, are printed to
// stderr whether or not a diag logger is installed (a silently ignored env var, or metrics that quietly
// went elsewhere, is worse than a noisy line); details go to the OTel diag API (OTEL_LOG_LEVEL=info).
//
// The diag API is handed in (attachDiag) rather than imported: the register entry's small bundle uses this
// module before genai-meter (and the API with it) is loaded. Until then its details go nowhere, unless
// OTEL_LOG_LEVEL asks for a logger (the entry then loads genai-meter at once to install it).
import type { DiagLogger } from '@opentelemetry/api';

const PREFIX = '[genai-meter]';
let diag: Pick<DiagLogger, 'info' | 'debug'> | undefined;

/** Details go to this diag API from now on (sdk.ts attaches the main bundle's; the register entry its own copy's). */
export function attachDiag(api: Pick<DiagLogger, 'info' | 'debug'>): void {
  diag = api;
}

export const log: Pick<DiagLogger, 'info' | 'debug'> & { warn(message: string): void; notice(message: string): void } = {
  warn(message: string): void {
    console.warn(`${PREFIX} ${message}`);
  },
  /** Where metrics go: one line on stderr at start and when that changes, whatever the log level. */
  notice(message: string): void {
    console.error(`${PREFIX} ${message}`);
  },
  info(message: string, ...args: unknown[]): void {
    diag?.info(`${PREFIX} ${message}`, ...args);
  },
  debug(message: string, ...args: unknown[]): void {
    diag?.debug(`${PREFIX} ${message}`, ...args);
  },
};
