// Extra (attribution) attribute sets arrive as a new object per call from most sources (a copy of the
// scope's attributes, baggage entries). Binding a recording per call would sort and key the set every
// time; instead each distinct set gets one canonical object, and recordings are bound once per canonical
// set (ResponsePoints). Identity hits cost a WeakMap lookup; a new object with known content costs a
// short key string.
import type { Attributes } from '@opentelemetry/api';

/**
 * Marks a set that is already one object per distinct content (@genai-meter/node's attribution source
 * hands those out): taken as canonical without a lookup. A registry symbol, so every copy agrees.
 */
export const INTERNED = Symbol.for('genai-meter.attributes.interned');

/** Marks `attributes` as interned (one object per distinct content) and freezes it. */
export function markInterned(attributes: Attributes): Attributes {
  Object.defineProperty(attributes, INTERNED, { value: true });
  return Object.freeze(attributes);
}

const KEY_SEP = '\u0001';
const ENTRY_SEP = '\u0002';

export class AttributeInterner {
  private readonly byObject = new WeakMap<Attributes, Attributes>();
  private readonly byContent = new Map<string, Attributes>();

  /** `maxSets`: distinct sets kept canonical; past it a set is used as given (correct, bound per call). */
  constructor(private readonly maxSets = 1000) {}

  intern(attributes: Attributes): Attributes {
    if ((attributes as { [INTERNED]?: boolean })[INTERNED] === true) return attributes;
    const known = this.byObject.get(attributes);
    if (known !== undefined) return known;
    let key = '';
    for (const k in attributes) {
      const v = attributes[k];
      key += k + KEY_SEP + (typeof v === 'object' ? JSON.stringify(v) : typeof v + String(v)) + ENTRY_SEP;
    }
    let canonical = this.byContent.get(key);
    if (canonical === undefined) {
      if (this.byContent.size >= this.maxSets) return attributes;
      canonical = markInterned({ ...attributes });
      this.byContent.set(key, canonical);
    }
    this.byObject.set(attributes, canonical);
    return canonical;
  }
}
