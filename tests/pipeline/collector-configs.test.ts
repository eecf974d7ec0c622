// Every collector config under otel-collector/ is checked by the built collector itself
// (`otelcol validate`), uses exactly the components the builder manifest compiles in, and listens
// only on loopback unless told otherwise.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectorConfig, validateCollectorConfig } from '../support/collector.js';
import { findTool, otelcolVersion, REPO_ROOT, runTool } from '../support/tools.js';

const CONFIGS = ['sidecar', 'gateway', 'gateway-router'] as const;
const SECTIONS = ['receivers', 'processors', 'exporters', 'extensions'] as const;
type Section = (typeof SECTIONS)[number];

/** Component types declared in each top-level section of a collector config ("transform/semconv" -> "transform"). */
function componentTypes(yaml: string): Record<Section, Set<string>> {
  const out = Object.fromEntries(SECTIONS.map((s) => [s, new Set<string>()])) as Record<Section, Set<string>>;
  let section: Section | undefined;
  for (const line of yaml.split('\n')) {
    const top = /^([a-z_]+):/.exec(line);
    if (top) {
      section = (SECTIONS as readonly string[]).includes(top[1]!) ? (top[1] as Section) : undefined;
      continue;
    }
    const key = /^ {2}([a-z_]+)(?:\/[\w-]+)?:/.exec(line);
    if (section && key) out[section].add(key[1]!);
  }
  return out;
}

/** Component types compiled into the binary, from `otelcol components`. */
function builtTypes(componentsOutput: string): Record<Section, Set<string>> {
  const out = componentTypes('');
  let section: Section | undefined;
  for (const line of componentsOutput.split('\n')) {
    const top = /^([a-z_]+):/.exec(line);
    if (top) section = (SECTIONS as readonly string[]).includes(top[1]!) ? (top[1] as Section) : undefined;
    const name = /^ {4}- name: ([a-z_]+)$/.exec(line);
    if (section && name) out[section].add(name[1]!);
  }
  return out;
}

describe('collector configs', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'genai-meter-otelcol-'));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('the binary is the manifest version', async () => {
    const manifest = await readFile(`${REPO_ROOT}otel-collector/builder/manifest.yaml`, 'utf8');
    const version = /^ {2}version: (\S+)$/m.exec(manifest)?.[1];
    expect(version).toBe(otelcolVersion());
    const { stdout, code } = await runTool(findTool('otelcol'), ['--version']);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(`otelcol-genai-meter version ${version}`);
  });

  it.each(CONFIGS)('%s.yaml passes otelcol validate', async (name) => {
    const { code, stderr } = await validateCollectorConfig(collectorConfig(name));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('validate rejects a broken config (so the check above means something)', async () => {
    const broken = (await readFile(collectorConfig('sidecar'), 'utf8')).replace(
      'translation_strategy: UnderscoreEscapingWithSuffixes',
      'translation_strategy: UnderscoreEscapingWithSufixes',
    );
    const file = join(tmp, 'broken.yaml');
    await writeFile(file, broken);
    const { code, stderr } = await validateCollectorConfig(file);
    expect(code).toBe(1);
    expect(stderr).toContain('invalid translation_strategy: UnderscoreEscapingWithSufixes');
  });

  it('the manifest builds in exactly the components the configs use', async () => {
    const used = componentTypes('');
    for (const name of CONFIGS) {
      const types = componentTypes(await readFile(collectorConfig(name), 'utf8'));
      for (const s of SECTIONS) for (const t of types[s]) used[s].add(t);
    }
    const { stdout } = await runTool(findTool('otelcol'), ['components']);
    const built = builtTypes(stdout);
    for (const s of SECTIONS) expect([...used[s]].sort(), s).toEqual([...built[s]].sort());
    expect([...used.exporters].sort()).toEqual(['debug', 'load_balancing', 'prometheus', 'prometheus_remote_write']);
  });

  it.each(CONFIGS)('%s.yaml listens only on 127.0.0.1 by default', async (name) => {
    const yaml = await readFile(collectorConfig(name), 'utf8');
    const listeners = [...yaml.matchAll(/^\s+(endpoint|host): \$\{env:(\w+):-([^}]*)\}$/gm)]
      .filter((m) => !m[3]!.startsWith('http')) // remote-write targets are clients, not listeners
      .map((m) => ({ variable: m[2], bind: m[3]!.replace(/:\d+$/, '') }));
    expect(listeners.length).toBeGreaterThanOrEqual(3);
    for (const l of listeners) expect(l, `${l.variable}`).toEqual({ variable: l.variable, bind: '127.0.0.1' });
    // No literal (non-env) listener addresses that would escape the rule above.
    expect(yaml).not.toMatch(/^\s+endpoint: (?!\$\{env:)/m);
  });
});
