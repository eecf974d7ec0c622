// The set-up of the robustness suites: failures inside the instrumentation (a price catalog that throws, extra
// attributes that throw on demand) must never reach the caller, and are logged through the OTel diag logger.
import { AsyncLocalStorage } from 'node:async_hooks';
import { afterAll, beforeAll } from 'vitest';
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { PriceCatalog } from '@genai-meter/pricing';

class ExplodingCatalog extends PriceCatalog {
  override priceCall(): never {
    throw new Error('catalog exploded');
  }
}

/** Call at the top of a suite: the diag logger keeps the errors logged while the suite runs. */
export function failingInternals() {
  const errors: unknown[][] = [];
  const logger: DiagLogger = { error: (...a: unknown[]) => void errors.push(a), warn: () => {}, info: () => {}, debug: () => {}, verbose: () => {} };
  beforeAll(() => void diag.setLogger(logger, DiagLogLevel.ERROR));
  afterAll(() => diag.disable());
  const scope = new AsyncLocalStorage<Record<string, string>>();
  let explode = false;
  return {
    /** The errors logged, each as the diag logger's arguments. */
    errors,
    /** How many logged errors mention `text`. */
    logged: (text: string): number => errors.filter((e) => e.map(String).join(' ').includes(text)).length,
    /** The attribution scope calls are made in. */
    scope,
    /** Whether the extra attributes throw from now on. */
    explodeAttributes: (on: boolean): void => void (explode = on),
    /** For the instrumentation: the bundled catalog whose pricing throws, and extra attributes from `scope`. */
    config: {
      pricing: Object.setPrototypeOf(PriceCatalog.load(), ExplodingCatalog.prototype) as PriceCatalog,
      extraAttributes: () => {
        if (explode) throw new Error('attributes exploded');
        return scope.getStore();
      },
    },
  };
}
