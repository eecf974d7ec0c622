// Strict readers for environment variables: a value that cannot be used is reported with the variable's
// name and the default it falls back to, and never throws (a typo must not take the app down).
import { log } from './log.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** The value, trimmed; undefined when unset or blank. */
export function envString(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

export function envBoolean(env: Env, name: string, fallback: boolean): boolean {
  const v = envString(env, name)?.toLowerCase();
  if (v === undefined) return fallback;
  if (v === 'true') return true;
  if (v === 'false') return false;
  log.warn(`${name}='${env[name]}' is not 'true' or 'false'; using ${fallback}`);
  return fallback;
}

/** An integer in [min, max]; anything else warns and gives the fallback. */
export function envInteger(env: Env, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const v = envString(env, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min || n > max) {
    log.warn(`${name}='${env[name]}' is not an integer between ${min} and ${max}; using ${fallback}`);
    return fallback;
  }
  return n;
}

/** A comma-separated list, entries trimmed, empty entries dropped; undefined when unset. */
export function envList(env: Env, name: string): string[] | undefined {
  const v = envString(env, name);
  if (v === undefined) return undefined;
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** One of `allowed` (case-insensitive); anything else warns and gives the fallback. */
export function envChoice<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const v = envString(env, name)?.toLowerCase();
  if (v === undefined) return fallback;
  const hit = allowed.find((a) => a === v);
  if (hit === undefined) {
    log.warn(`${name}='${env[name]}' is not one of ${allowed.join(', ')}; using ${fallback}`);
    return fallback;
  }
  return hit;
}
