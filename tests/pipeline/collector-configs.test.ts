// Every collector config under otel-collector/ is checked by the built collector itself
// (`otelcol validate`), uses exactly the components the builder manifest compiles in, listens only on
// loopback unless told otherwise, and starts without a deprecation warning in its log.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  collectorConfig,
  collectorEndpoints,
  createGatewayCredentials,
  deprecationLines,
  routerStaticResolver,
  SIDECAR_REMOTE_WRITE,
  startCollector,
  validateCollectorConfig,
  type CollectorConfigName,
} from '../support/collector.js';
import { findTool, otelcolVersion, REPO_ROOT, runTool, stopAll } from '../support/tools.js';

const FILES: readonly CollectorConfigName[] = ['sidecar', 'sidecar-remote-write', 'gateway', 'gateway-router'];
/** What users run: each file alone, except the remote-write overlay, which goes after sidecar.yaml. */
const SETUPS: Record<string, readonly string[]> = {
  sidecar: [collectorConfig('sidecar')],
  'sidecar + sidecar-remote-write': SIDECAR_REMOTE_WRITE,
  gateway: [collectorConfig('gateway')],
  'gateway-router': [collectorConfig('gateway-router')],
};
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
  let credentials: Record<string, string>;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'genai-meter-otelcol-'));
    credentials = (await createGatewayCredentials(tmp)).env;
  });
  afterAll(async () => {
    await stopAll();
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

  it('every component of the manifest is at the same release', async () => {
    const manifest = await readFile(`${REPO_ROOT}otel-collector/builder/manifest.yaml`, 'utf8');
    const versions = [...manifest.matchAll(/^ {2}- gomod: \S+ (v\S+)$/gm)].map((m) => m[1]);
    const [providers, components] = [versions.filter((v) => v!.startsWith('v1.')), versions.filter((v) => !v!.startsWith('v1.'))];
    expect(components.length).toBeGreaterThan(10);
    expect(new Set(components)).toEqual(new Set([`v${otelcolVersion()}`]));
    expect(new Set(providers).size).toBe(1); // the confmap providers' own (1.x) line of the same release
  });

  it.each(Object.entries(SETUPS))('%s passes otelcol validate', async (_, files) => {
    const { code, stderr } = await validateCollectorConfig(files);
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
    for (const name of FILES) {
      const types = componentTypes(await readFile(collectorConfig(name), 'utf8'));
      for (const s of SECTIONS) for (const t of types[s]) used[s].add(t);
    }
    const { stdout } = await runTool(findTool('otelcol'), ['components']);
    const built = builtTypes(stdout);
    for (const s of SECTIONS) expect([...used[s]].sort(), s).toEqual([...built[s]].sort());
    expect([...used.exporters].sort()).toEqual(['debug', 'load_balancing', 'otlp_grpc', 'prometheus', 'prometheus_remote_write']);
  });

  it.each(FILES)('%s.yaml listens only on 127.0.0.1 by default', async (name) => {
    const yaml = await readFile(collectorConfig(name), 'utf8');
    const listeners = [...yaml.matchAll(/^\s+(endpoint|host): \$\{env:(\w+):-([^}]*)\}$/gm)]
      .filter((m) => !m[3]!.startsWith('http')) // remote-write targets are clients, not listeners
      .map((m) => ({ variable: m[2], bind: m[3]!.replace(/:\d+$/, '') }));
    expect(listeners.length).toBeGreaterThanOrEqual(name === 'sidecar-remote-write' ? 1 : 3);
    for (const l of listeners) expect(l, `${l.variable}`).toEqual({ variable: l.variable, bind: '127.0.0.1' });
    // No literal (non-env) listener addresses that would escape the rule above.
    expect(yaml).not.toMatch(/^\s+endpoint: (?!\$\{env:)/m);
  });

  // The sidecar's remote-write path is the gateway's, by copy (a config file cannot include another):
  // same queue (but its size), same spool hop, same remote-write settings, same resource shaping.
  it('sidecar-remote-write.yaml writes exactly as gateway.yaml does', async () => {
    type Doc = { extensions: Record<string, unknown>; receivers: Record<string, unknown>; processors: Record<string, unknown>; exporters: Record<string, Record<string, unknown>> };
    const load = async (name: CollectorConfigName): Promise<Doc> => parse(await readFile(collectorConfig(name), 'utf8')) as Doc;
    const [sidecar, gateway] = [await load('sidecar-remote-write'), await load('gateway')];
    const withoutSize = (e: Record<string, unknown>) => ({ ...e, sending_queue: { ...(e.sending_queue as object), queue_size: undefined } });
    expect(sidecar.extensions.file_storage).toEqual(gateway.extensions.file_storage);
    expect(sidecar.receivers['otlp/spool']).toEqual(gateway.receivers['otlp/spool']);
    expect(withoutSize(sidecar.exporters['otlp_grpc/spool']!)).toEqual(withoutSize(gateway.exporters['otlp_grpc/spool']!));
    expect(sidecar.exporters.prometheus_remote_write).toEqual(gateway.exporters.prometheus_remote_write);
    // And the sidecar and the gateway shape resources the same way before writing.
    expect((await load('sidecar')).processors['transform/semconv']).toEqual(gateway.processors['transform/semconv']);
  });

  // Fail closed: no certificate or no token is a start-up error that names the file, never a plaintext or open receiver.
  it.each([
    ['gateway', 'OTELCOL_AUTH_TOKEN_FILE', 'failed to read credentials file'],
    ['gateway', 'OTELCOL_TLS_CERT_FILE', 'failed to load TLS cert and key'],
    ['gateway-router', 'OTELCOL_AUTH_TOKEN_FILE', 'failed to read credentials file'],
  ] as const)('%s does not start when %s is missing', async (name, variable, message) => {
    const { env } = await collectorEndpoints(tmp);
    const absent = join(tmp, `absent-${variable}`);
    const { code, stderr } = await runTool(findTool('otelcol'), [`--config=${collectorConfig(name)}`], {
      env: { ...process.env, ...env, ...credentials, [variable]: absent },
      timeoutMs: 30_000,
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`^Error: .*${message}.*${absent}`, 'm'));
  });

  // Each setup runs until ready and a little longer; its log must not announce anything deprecated (a
  // renamed component, option or behaviour that a future release drops) nor any other warning.
  it.each(Object.entries(SETUPS))('%s starts without a deprecation warning', async (name, files) => {
    const endpoints = await collectorEndpoints(tmp);
    const overlay = name === 'gateway-router' ? [await routerStaticResolver(tmp, ['127.0.0.1:1'])] : [];
    const collector = await startCollector([...files, ...overlay], { endpoints, env: credentials });
    await new Promise((r) => setTimeout(r, 1_500));
    await collector.stop();
    const log = collector.proc.output();
    expect(log).toContain('Everything is ready');
    expect(deprecationLines(log)).toEqual([]);
    expect(warnings(log)).toEqual([]);
  });

  it('the deprecation check sees a deprecated name (so the check above means something)', async () => {
    const old = (await readFile(collectorConfig('gateway'), 'utf8')).replaceAll('resource_detection', 'resourcedetection');
    const file = join(tmp, 'old-names.yaml');
    await writeFile(file, old);
    const collector = await startCollector(file, { endpoints: await collectorEndpoints(tmp), env: credentials });
    await collector.stop();
    expect(deprecationLines(collector.proc.output())).toEqual([expect.stringContaining('"resourcedetection" alias is deprecated; use "resource_detection" instead')]);
  });
});

/**
 * Warning lines of a collector log, less one that is expected at start: an exporter dialling a listener
 * of the same collector (the spool) or a gateway that is not up yet; gRPC retries and it connects.
 */
function warnings(log: string): string[] {
  return log.split('\n').filter((line) => /\twarn\t/.test(line) && !/grpc: addrConn\.createTransport failed to connect/.test(line));
}
