// What every instrumentation's README test checks: that the README names (in backticks) every metric, attribute,
// error.type and token detail value the semconv module defines, and that version.ts says what package.json says.
import { readFileSync } from 'node:fs';

/** The parts of a semconv module (core's, or an instrumentation's re-export of it) whose names a README documents. */
export interface SemconvNames {
  METRICS: Record<string, { name: string }>;
  ERROR_TYPE_VALUES: Record<string, string>;
  TOKEN_DETAIL_VALUES: Record<string, string>;
}

/** Every metric name, ATTR_* attribute, error.type value and token detail value of the module. */
export function semconvNames(semconv: SemconvNames): string[] {
  const names = [
    ...Object.values(semconv.METRICS).map((m) => m.name),
    ...Object.entries(semconv)
      .filter(([k, v]) => k.startsWith('ATTR_') && typeof v === 'string')
      .map(([, v]) => v as string),
    ...Object.values(semconv.ERROR_TYPE_VALUES),
    ...Object.values(semconv.TOKEN_DETAIL_VALUES),
  ];
  // Fewer would mean the module read is not the semconv module, and the README check would prove nothing.
  if (names.length <= 30) throw new Error(`only ${names.length} semconv names found`);
  return names;
}

/** The names the README does not show as `code`. */
export const missingFromReadme = (readme: string, names: string[]): string[] => names.filter((n) => !readme.includes(`\`${n}\``));

/** [name, version] as the package.json at that URL states them. */
export function manifestIdentity(packageJson: URL): [string, string] {
  const pkg = JSON.parse(readFileSync(packageJson, 'utf8')) as { name: string; version: string };
  return [pkg.name, pkg.version];
}
