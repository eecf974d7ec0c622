// Where genai-meter's own messages go. Configuration problems are printed to stderr whether or not a
// diag logger is installed (a silently ignored env var is worse than a noisy one); what the package did
// (pipeline started, provider adopted) goes to the OTel diag API, visible with OTEL_LOG_LEVEL=info.
import { diag, type DiagLogger } from '@opentelemetry/api';

const PREFIX = '[genai-meter]';

export const log: Pick<DiagLogger, 'info' | 'debug'> & { warn(message: string): void } = {
  warn(message: string): void {
    console.warn(`${PREFIX} ${message}`);
  },
  info(message: string, ...args: unknown[]): void {
    diag.info(`${PREFIX} ${message}`, ...args);
  },
  debug(message: string, ...args: unknown[]): void {
    diag.debug(`${PREFIX} ${message}`, ...args);
  },
};
