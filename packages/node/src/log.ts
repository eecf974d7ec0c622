// Where genai-meter's own messages go. Configuration problems, and where the metrics go, are printed to
// stderr whether or not a diag logger is installed (a silently ignored env var, or metrics that quietly
// went elsewhere, is worse than a noisy line); details go to the OTel diag API (OTEL_LOG_LEVEL=info).
import { diag, type DiagLogger } from '@opentelemetry/api';

const PREFIX = '[genai-meter]';

export const log: Pick<DiagLogger, 'info' | 'debug'> & { warn(message: string): void; notice(message: string): void } = {
  warn(message: string): void {
    console.warn(`${PREFIX} ${message}`);
  },
  /** Where metrics go: one line on stderr at start and when that changes, whatever the log level. */
  notice(message: string): void {
    console.error(`${PREFIX} ${message}`);
  },
  info(message: string, ...args: unknown[]): void {
    diag.info(`${PREFIX} ${message}`, ...args);
  },
  debug(message: string, ...args: unknown[]): void {
    diag.debug(`${PREFIX} ${message}`, ...args);
  },
};
