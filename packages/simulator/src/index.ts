export { startSimulator } from './server.js';
export { FAULT_KINDS } from './types.js';
export type { FaultKind, RateLimit, Simulator, SimulatorOptions } from './types.js';
export { DEFAULT_RESPONSE_MODELS } from './models.js';
export { audioUpload } from './media.js';
export { DEFAULT_RATE_LIMIT } from './rate-limits.js';
