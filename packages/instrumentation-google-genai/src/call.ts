// One @google/genai call: failures classified the way the SDK throws them, and a stream's usage taken from the
// last usageMetadata it reported, read once when the call ends rather than at every chunk.
import { Call, type Endpoint, type ErrorType, type Recorder } from '@genai-meter/instrumentation-core';
import { classifyGoogleGenAIError } from './errors.js';
import { usageFromMetadata } from './usage.js';

export class GoogleGenAICall extends Call {
  /** The last `usageMetadata` a stream chunk carried (running totals; the last one is final). */
  lastUsageMetadata: unknown;

  constructor(
    rec: Recorder,
    operation: string,
    endpoint: Endpoint,
    requestModel: string | undefined,
    stream: boolean,
    /** The caller's `config.abortSignal`. */
    private readonly signal: AbortSignal | undefined,
  ) {
    super(rec, operation, endpoint, requestModel, stream);
  }

  override fail(err: unknown): void {
    const { type, status } = classifyGoogleGenAIError(err, this.signal);
    this.finish(type, status);
  }

  override finish(errorType?: ErrorType, status?: number): void {
    if (this.lastUsageMetadata !== undefined) {
      this.usage = usageFromMetadata(this.lastUsageMetadata) ?? this.usage;
      this.lastUsageMetadata = undefined;
    }
    super.finish(errorType, status);
  }
}
