// Deterministic generated output: plain text of a given token count split into stream chunks,
// JSON values that satisfy a request's JSON schema (so the SDK's parse() helpers work), and
// unit-length embedding vectors.
import { Rng } from './rng.js';

const WORDS = [
  'the', 'meter', 'counts', 'every', 'token', 'and', 'each', 'request', 'latency', 'stays',
  'within', 'budget', 'while', 'streams', 'arrive', 'in', 'small', 'chunks', 'so', 'dashboards',
  'show', 'real', 'traffic', 'with', 'cost', 'per', 'model', 'simulated', 'answers', 'remain',
  'stable', 'across', 'runs', 'for', 'tests', 'a', 'quick', 'reply', 'from', 'server',
];

/** `tokens` words (one token each), space separated, first word capitalised, ending with '.'. */
export function generateText(tokens: number, rng: Rng): string[] {
  const words: string[] = [];
  for (let i = 0; i < tokens; i++) {
    let word = WORDS[Math.floor(rng.next() * WORDS.length)] ?? 'token';
    if (i === 0) word = word[0]!.toUpperCase() + word.slice(1);
    if (i === tokens - 1) word += '.';
    words.push(i === 0 ? word : ` ${word}`);
  }
  return words;
}

/**
 * Splits pieces into exactly `count` consecutive chunks: whole pieces when there are enough of
 * them, else characters (trailing chunks may then be empty when the text is shorter than count).
 */
export function splitIntoChunks(pieces: string[], count: number): string[] {
  const n = Math.max(1, count);
  const units = n <= pieces.length ? pieces : [...pieces.join('')];
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const start = Math.floor((i * units.length) / n);
    const end = Math.floor(((i + 1) * units.length) / n);
    out.push(units.slice(start, end).join(''));
  }
  return out;
}

/** Splits a string into `count` near-equal consecutive parts. */
export function splitString(text: string, count: number): string[] {
  return splitIntoChunks([...text], count);
}

type Schema = Record<string, unknown>;

/** A value valid against a (strict-mode style) JSON schema; `root` resolves local $refs. */
export function valueForSchema(schema: unknown, rng: Rng, root: unknown = schema, depth = 0): unknown {
  if (!schema || typeof schema !== 'object' || depth > 8) return null;
  const s = schema as Schema;
  if (typeof s.$ref === 'string' && s.$ref.startsWith('#')) {
    let target: unknown = root;
    for (const key of s.$ref.slice(1).split('/').filter(Boolean)) {
      target = target && typeof target === 'object' ? (target as Schema)[key] : undefined;
    }
    return valueForSchema(target, rng, root, depth + 1);
  }
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length) return s.enum[Math.floor(rng.next() * s.enum.length)];
  const variants = (s.anyOf ?? s.oneOf ?? s.allOf) as unknown[] | undefined;
  if (Array.isArray(variants) && variants.length) {
    const nonNull = variants.find((v) => (v as Schema)?.type !== 'null') ?? variants[0];
    return valueForSchema(nonNull, rng, root, depth + 1);
  }
  const declared = Array.isArray(s.type) ? (s.type.find((t) => t !== 'null') ?? 'null') : s.type;
  // Gemini's OpenAPI-style schemas spell types in capitals (OBJECT, STRING).
  const type = typeof declared === 'string' ? declared.toLowerCase() : declared;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const props = (s.properties ?? {}) as Record<string, unknown>;
      for (const [key, sub] of Object.entries(props)) out[key] = valueForSchema(sub, rng, root, depth + 1);
      return out;
    }
    case 'array': {
      const min = typeof s.minItems === 'number' ? s.minItems : 1;
      const count = Math.max(min, 1 + Math.floor(rng.next() * 2));
      const max = typeof s.maxItems === 'number' ? s.maxItems : count;
      return Array.from({ length: Math.min(count, max) }, () => valueForSchema(s.items, rng, root, depth + 1));
    }
    case 'integer': {
      const min = typeof s.minimum === 'number' ? s.minimum : 0;
      const max = typeof s.maximum === 'number' ? s.maximum : min + 100;
      return Math.floor(min + rng.next() * (max - min + 1));
    }
    case 'number': {
      const min = typeof s.minimum === 'number' ? s.minimum : 0;
      const max = typeof s.maximum === 'number' ? s.maximum : min + 100;
      return Math.round((min + rng.next() * (max - min)) * 100) / 100;
    }
    case 'boolean':
      return rng.next() < 0.5;
    case 'null':
      return null;
    case 'string':
      return generateText(2, rng).join('').replace(/\.$/, '');
    default:
      return typeof s.properties === 'object' ? valueForSchema({ ...s, type: 'object' }, rng, root, depth) : null;
  }
}

/** A unit vector of `dims` floats rounded to float32 precision. */
export function embeddingVector(dims: number, rng: Rng): number[] {
  const raw = Array.from({ length: dims }, () => rng.normal());
  const norm = Math.sqrt(raw.reduce((sum, x) => sum + x * x, 0)) || 1;
  return Array.from(new Float32Array(raw.map((x) => x / norm)));
}

/** Little-endian float32 bytes as base64, the wire format of encoding_format 'base64'. */
export function vectorToBase64(vector: number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((x, i) => bytes.writeFloatLE(x, i * 4));
  return bytes.toString('base64');
}
