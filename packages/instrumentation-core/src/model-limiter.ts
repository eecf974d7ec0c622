// Cardinality policy for model names: model strings come from callers (and, through proxies, from end
// users), so they are unbounded. The first `maxModels` distinct names seen keep their value; every later
// new name is recorded as `_OTHER`. Names that do not look like model ids (too long, control characters)
// are `_OTHER` from the start. Bounded memory: the set never holds more than maxModels entries.
import { MODEL_OVERFLOW_VALUE } from './semconv.js';

const MAX_MODEL_LENGTH = 128;
const PLAUSIBLE_MODEL = /^[\w.:/@+\- ]+$/;

export class ModelLimiter {
  private readonly admitted = new Set<string>();

  constructor(readonly maxModels: number) {}

  label(model: string | undefined): string | undefined {
    if (model === undefined) return undefined;
    if (this.admitted.has(model)) return model;
    if (this.admitted.size >= this.maxModels || model.length > MAX_MODEL_LENGTH || !PLAUSIBLE_MODEL.test(model)) {
      return MODEL_OVERFLOW_VALUE;
    }
    this.admitted.add(model);
    return model;
  }
}
