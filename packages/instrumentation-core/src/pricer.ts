// Where a call's cost comes from: a price catalog, loaded at start when the user gave prices of their own
// (a file, overrides: their problems are said at start), or, with the bundled catalog alone, at the first
// call that needs a price. The bundled catalog is this project's own tested data: nothing to report, and
// a process that never prices a call (a CLI, a short job without LLM calls) skips its ~6 MB and 10-15 ms.
import { PriceCatalog, type PriceCatalogOptions, type PricingFileError } from '@genai-meter/pricing';

/** What a Call needs of a price catalog. */
export interface Pricer {
  priceCall: PriceCatalog['priceCall'];
}

/** Whether `value` is a Pricer (a PriceCatalog is one too). */
export const isPricer = (value: unknown): value is Pricer => typeof (value as Partial<Pricer> | undefined)?.priceCall === 'function';

/** A Pricer that loads its catalog the first time it is asked. */
export function deferredPricer(load: () => PriceCatalog): Pricer {
  let catalog: PriceCatalog | undefined;
  return { priceCall: (models, usage, options) => (catalog ??= load()).priceCall(models, usage, options) };
}

/** Whether the options (or the environment) bring prices of the user's own. */
export function hasUserPrices(options: PriceCatalogOptions, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(options.file ?? env.GENAI_METER_PRICING_FILE) || Object.keys(options.overrides ?? {}).length > 0 || Object.keys(options.deployments ?? {}).length > 0;
}

/**
 * The Pricer for pricing options: tolerant loading (each problem to `onProblem`, the app never stopped),
 * now when the user gave prices, at the first call otherwise.
 */
export function pricerFor(options: PriceCatalogOptions, onProblem: (problem: PricingFileError) => void): Pricer {
  const load = () => PriceCatalog.load(options, { onProblem });
  return hasUserPrices(options) ? load() : deferredPricer(load);
}
