export { PriceCatalog, RESOLVE_CACHE_LIMIT, type LoadOptions } from './catalog.js';
export { PricingFileError } from './schema.js';
export { canonicalTier, computeCost } from './cost.js';
export { diffCatalog, type CatalogDiff, type FieldDifference } from './diff.js';
export { isLiteLLMDocument } from './litellm.js';
export { readReportedCost, type HeadersLike, type ReportedCost, type ReportedCostOrigin } from './reported-cost.js';
export type {
  CallCost,
  CallUsage,
  CostBreakdown,
  CostOptions,
  ExplicitTierRates,
  ImagePrices,
  LongContextRates,
  ModelPrice,
  PriceCatalogOptions,
  ResolvedModel,
  ServiceTierPrice,
  TokenRates,
  TokenUsage,
  UnitUsage,
  UnpricedReason,
} from './types.js';
