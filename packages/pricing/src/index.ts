export { PriceCatalog, RESOLVE_CACHE_LIMIT } from './catalog.js';
export { PricingFileError } from './schema.js';
export { computeCost } from './cost.js';
export type { CostBreakdown, ModelPrice, PriceCatalogOptions, ResolvedModel, TokenUsage } from './types.js';
