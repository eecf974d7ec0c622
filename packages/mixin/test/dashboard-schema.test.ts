// Every committed dashboard under grafana/dashboards/ is type-checked against Grafana's published schema
// (@grafana/schema at the Grafana image's version, closed per panel plugin in src/grafana/schema.ts) by
// the real TypeScript compiler: each JSON file becomes `<json> satisfies AsJson<GrafanaDashboard>`, so an
// unknown field, a wrong enum value or a missing required field is a compile error with its line.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultDashboard } from '@grafana/schema';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
const dashboardsDir = join(repoRoot, 'grafana/dashboards');
const schemaModule = resolve(here, '../src/grafana/schema.js');

/** Lines before the JSON in the checked module, so a diagnostic's line maps back to the JSON file. */
const PREAMBLE = [`import type { AsJson, GrafanaDashboard } from ${JSON.stringify(schemaModule)};`, 'export const dashboard ='];

/** Compiler errors per file (`<name>:<json line>: <message>`) of each JSON text checked against the schema. */
function schemaErrors(files: Readonly<Record<string, string>>): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'genai-dashboard-schema-'));
  try {
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
    const byPath = new Map<string, string>();
    for (const [name, json] of Object.entries(files)) {
      const path = join(dir, `${name.replace(/\W/g, '_')}.ts`);
      writeFileSync(path, `${PREAMBLE.join('\n')}\n${json.trim()} satisfies AsJson<GrafanaDashboard>;\n`);
      byPath.set(path, name);
    }
    const program = ts.createProgram([...byPath.keys()], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2023,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      skipLibCheck: true,
      types: [],
      noErrorTruncation: true,
    });
    return ts.getPreEmitDiagnostics(program).map((d) => {
      const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      if (!d.file || d.start === undefined) return message;
      const name = byPath.get(d.file.fileName) ?? d.file.fileName;
      const line = d.file.getLineAndCharacterOfPosition(d.start).line + 1 - PREAMBLE.length;
      return `${name}:${line}: ${message}`;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const committed = Object.fromEntries(
  readdirSync(dashboardsDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => [`grafana/dashboards/${f}`, readFileSync(join(dashboardsDir, f), 'utf8')]),
);

describe('dashboards against @grafana/schema', () => {
  it('every generated dashboard type-checks, with the schema version of the pinned Grafana', () => {
    expect(Object.keys(committed).length).toBeGreaterThanOrEqual(4);
    expect(schemaErrors(committed)).toEqual([]);
    for (const [name, json] of Object.entries(committed)) {
      expect((JSON.parse(json) as { schemaVersion: number }).schemaVersion, name).toBe(defaultDashboard.schemaVersion);
    }
  });

  it('fails on an unknown field, a wrong enum value and a missing required field, at their lines', () => {
    const base = committed['grafana/dashboards/genai-overview.json']!;
    type Json = { panels: { type: string; options: Record<string, unknown>; fieldConfig?: { defaults: { custom?: Record<string, unknown> } } }[]; templating: { list: Record<string, unknown>[] } } & Record<string, unknown>;
    const mutate = (change: (d: Json) => void): string => {
      const d = JSON.parse(base) as Json;
      change(d);
      return JSON.stringify(d, null, 2);
    };
    const stat = (d: Json) => d.panels.find((p) => p.type === 'stat')!;
    const timeseries = (d: Json) => d.panels.find((p) => p.type === 'timeseries')!;
    const cases = {
      unknownOption: mutate((d) => (stat(d).options.colourMode = 'value')),
      unknownDashboardField: mutate((d) => (d.refreshEvery = '30s')),
      wrongEnum: mutate((d) => (stat(d).options.graphMode = 'areas')),
      wrongCustomEnum: mutate((d) => (timeseries(d).fieldConfig!.defaults.custom!.drawStyle = 'lines')),
      wrongNumericEnum: mutate((d) => (d.templating.list[1]!.refresh = 7)),
      missingRequired: mutate((d) => delete stat(d).options.reduceOptions),
      missingSchemaVersion: mutate((d) => delete d.schemaVersion),
    };
    const errors = schemaErrors(cases);
    // The base file is clean, so each mutated copy fails with exactly its one error.
    const of = (name: string) => errors.filter((e) => e.startsWith(`${name}:`));
    /** One error matching `pattern`; with `atLineOf`, reported at the line of the JSON file holding that text. */
    const expectOne = (name: keyof typeof cases, pattern: RegExp, atLineOf?: string) => {
      expect(of(name), name).toHaveLength(1);
      expect(of(name)[0], name).toMatch(pattern);
      if (atLineOf) expect(Number(of(name)[0]!.split(':')[1]), name).toBe(cases[name].split('\n').findIndex((l) => l.includes(atLineOf)) + 1);
    };
    expectOne('unknownOption', /'"colourMode"' does not exist/, '"colourMode"');
    expectOne('unknownDashboardField', /'"refreshEvery"' does not exist/, '"refreshEvery"');
    expectOne('wrongEnum', /Type '"areas"' is not assignable to type '"none" \| "area" \| "line"'/, '"areas"');
    expectOne('wrongCustomEnum', /Type '"lines"' is not assignable to type '"line" \| "bars" \| "points"/, '"lines"');
    expectOne('wrongNumericEnum', /Type '7' is not assignable to type 'VariableRefresh/, '"refresh": 7');
    expectOne('missingRequired', /Property 'reduceOptions' is missing/);
    expectOne('missingSchemaVersion', /Property 'schemaVersion' is missing/);
  });
});
