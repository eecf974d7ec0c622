// @genai-meter/node: programmatic API. The zero-code path is `node --require|--import @genai-meter/node/register`.
export { start, shutdown, forceFlush, current, globalMeterProvider } from './sdk.js';
export type { GenAIMeter, PipelineMode, StartOptions } from './sdk.js';
export { createInstrumentation, createInstrumentations } from './instrumentation.js';
export type { InstrumentationOptions } from './instrumentation.js';
export { views, INSTRUMENTATION_SCOPE } from './views.js';
export type { ViewsOptions } from './views.js';
export { withAttributes, getAttributes, createAttributeSource, isReservedAttribute } from './attribution.js';
export type { ScopeAttributes, ScopeAttributeValue, AttributeSourceOptions } from './attribution.js';
export { resolveConfig, DEFAULTS, METRICS_EXPORTERS, OTLP_PROTOCOLS } from './config.js';
export type { GenAIMeterOptions, ResolvedConfig, MetricsExporterName, OtlpProtocol } from './config.js';
export { registerEsmLoader } from './esm-loader.js';
export type { EsmLoaderKind, EsmLoaderChoice } from './esm-loader.js';
export { RESOURCE_LABEL_ATTRIBUTES, resourceLabelPattern } from './resource.js';
// For the register entry's own bundle (register.ts); not a public API.
export { _registerEntry } from './register-start.js';
