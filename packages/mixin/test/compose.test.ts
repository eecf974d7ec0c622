// docker-compose.yml, checked by a real Compose v2 implementation (`docker compose config`, which needs
// no engine) and against the configs it wires together: every mounted path exists, every host:port one
// service uses is a service that listens there, images are pinned, ports are loopback-only, and the
// Grafana password has no default.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { findTool } from '../../../tests/support/tools.js';
import { GRAFANA_DASHBOARDS_PATH, PATHS, PROVISIONING_ENV, PROVISIONING_PATHS } from '../src/index.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const PASSWORD = 'test-only-not-a-secret';

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  ports?: { host_ip?: string; published?: string; target: number }[];
  volumes?: { type: string; source: string; target: string; read_only?: boolean }[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  profiles?: string[];
}
interface Project {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
}

let composeBin: string;

function compose(args: string[], env: Record<string, string | undefined>): { status: number | null; stdout: string; stderr: string } {
  const clean = { ...process.env };
  for (const k of ['GRAFANA_ADMIN_PASSWORD', 'GRAFANA_ADMIN_USER', 'OPENAI_API_KEY', 'OPENAI_BASE_URL', 'DEMO_RPS']) delete clean[k];
  const r = spawnSync(composeBin, ['-f', join(repoRoot, 'docker-compose.yml'), ...args], {
    cwd: repoRoot,
    env: { ...clean, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function config(profile?: string): Project {
  const r = compose([...(profile ? ['--profile', profile] : []), 'config', '--format', 'json'], { GRAFANA_ADMIN_PASSWORD: PASSWORD });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as Project;
}

/** `host:port` from a URL or an address. */
function hostPort(s: string): [string, number] {
  const m = /^(?:\w+:\/\/)?([^:/]+):(\d+)/.exec(s);
  if (!m) throw new Error(`no host:port in ${s}`);
  return [m[1]!, Number(m[2])];
}

describe('docker-compose.yml', () => {
  let project: Project;
  let real: Project;

  beforeAll(() => {
    // scripts/tools/ensure.sh (run by npm test) builds Compose v2 from the Go module proxy once and caches it;
    // run standalone, the same script finds or builds it here.
    composeBin = execFileSync('bash', [join(repoRoot, 'scripts/tools/ensure-compose.sh')], { encoding: 'utf8', timeout: 1_500_000 }).trim();
    project = config();
    real = config('real');
  }, 1_600_000);

  it('is valid for Compose v2 and refuses to start without GRAFANA_ADMIN_PASSWORD', () => {
    expect(compose(['config', '--quiet'], { GRAFANA_ADMIN_PASSWORD: PASSWORD }).status).toBe(0);
    const missing = compose(['config', '--quiet'], {});
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain('required variable GRAFANA_ADMIN_PASSWORD is missing a value');
  });

  it('has the whole stack, with the real-endpoint demo only in the "real" profile', () => {
    expect(Object.keys(project.services).sort()).toEqual(['alertmanager', 'demo-app', 'demo-app-direct', 'grafana', 'notifications', 'otel-collector', 'prometheus', 'simulator']);
    expect(Object.keys(real.services).sort()).toEqual([...Object.keys(project.services), 'demo-app-real'].sort());
    const demoReal = real.services['demo-app-real']!;
    expect(demoReal.profiles).toEqual(['real']);
    expect(demoReal.environment!.OPENAI_BASE_URL).toBe('https://api.openai.com/v1');
    // The key comes from the user's environment only; without it the container exits with a message.
    const withKey = compose(['--profile', 'real', 'config', '--format', 'json'], { GRAFANA_ADMIN_PASSWORD: PASSWORD, OPENAI_API_KEY: 'sk-from-env', OPENAI_BASE_URL: 'https://relay.example/v1' });
    const env = (JSON.parse(withKey.stdout) as Project).services['demo-app-real']!.environment!;
    expect([env.OPENAI_API_KEY, env.OPENAI_BASE_URL]).toEqual(['sk-from-env', 'https://relay.example/v1']);
    expect(demoReal.entrypoint!.join(' ')).toContain('test -n "$$OPENAI_API_KEY"');
  });

  it('runs the demo apps under node --require @genai-meter/node/register with the demo workload', () => {
    for (const name of ['demo-app', 'demo-app-direct', 'demo-app-real']) {
      expect(real.services[name]!.command).toEqual(['node', '--require', '@genai-meter/node/register', 'examples/demo-app/index.cjs']);
    }
    expect(existsSync(join(repoRoot, 'examples/demo-app/index.cjs'))).toBe(true);
    expect(project.services['demo-app']!.environment!.OTEL_METRICS_EXPORTER).toBe('otlp');
    expect(project.services['demo-app-direct']!.environment!.OTEL_METRICS_EXPORTER).toBe('prometheus');
  });

  it('pins every image; the collector image is the release of the builder manifest', () => {
    const manifest = parse(readFileSync(join(repoRoot, 'otel-collector/builder/manifest.yaml'), 'utf8')) as { dist: { version: string } };
    const images = Object.fromEntries(Object.entries(real.services).map(([n, s]) => [n, s.image]));
    expect(images['otel-collector']).toBe(`otel/opentelemetry-collector-contrib:${manifest.dist.version}`);
    for (const [name, image] of Object.entries(images)) {
      expect(image, name).toMatch(/:(v?\d+\.\d+\.\d+|local)$/);
      if (image!.endsWith(':local')) expect(real.services[name]!.build, `${name} builds its :local image`).toBeDefined();
    }
  });

  it('publishes ports on 127.0.0.1 only', () => {
    const ports = Object.values(real.services).flatMap((s) => s.ports ?? []);
    expect(ports.length).toBeGreaterThan(5);
    for (const p of ports) expect(p.host_ip).toBe('127.0.0.1');
  });

  it('mounts only paths that exist in the repository, read-only; data lives in named volumes', () => {
    let binds = 0;
    for (const [name, s] of Object.entries(real.services)) {
      for (const v of s.volumes ?? []) {
        if (v.type === 'bind') {
          binds++;
          expect(relative(repoRoot, v.source).startsWith('..'), `${name}: ${v.source} is outside the repo`).toBe(false);
          expect(existsSync(v.source), `${name}: ${v.source}`).toBe(true);
          expect(v.read_only, `${name}: ${v.source}`).toBe(true);
        } else {
          expect(v.type).toBe('volume');
          expect(Object.keys(real.volumes)).toContain(v.source);
        }
      }
    }
    expect(binds).toBe(6);
    const volumeTarget = (svc: string, target: string) => real.services[svc]!.volumes!.find((v) => v.target === target)?.type;
    expect([volumeTarget('prometheus', '/prometheus'), volumeTarget('grafana', '/var/lib/grafana'), volumeTarget('alertmanager', '/alertmanager')]).toEqual(['volume', 'volume', 'volume']);
  });

  it('gives Grafana the admin password from the environment and no "admin" default anywhere', () => {
    const env = project.services.grafana!.environment!;
    expect(env.GF_SECURITY_ADMIN_PASSWORD).toBe(PASSWORD);
    expect(env.GF_SECURITY_ADMIN_USER).toBe('operator');
    expect(Object.values(env)).not.toContain('admin');
    expect(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8')).not.toMatch(/PASSWORD:-/);
    for (const v of Object.values(PROVISIONING_ENV)) expect(env[v], v).toBeDefined();
  });

  it('has healthchecks where the image allows one, and depends_on waits for them', () => {
    for (const name of ['simulator', 'demo-app-direct', 'prometheus', 'alertmanager', 'grafana']) {
      expect(project.services[name]!.healthcheck?.test.length, name).toBeGreaterThan(1);
    }
    expect(project.services['demo-app']!.depends_on).toEqual({
      simulator: expect.objectContaining({ condition: 'service_healthy' }),
      'otel-collector': expect.objectContaining({ condition: 'service_started' }),
    });
    expect(project.services.grafana!.depends_on).toEqual({
      prometheus: expect.objectContaining({ condition: 'service_healthy' }),
      alertmanager: expect.objectContaining({ condition: 'service_healthy' }),
      notifications: expect.objectContaining({ condition: 'service_completed_successfully' }),
    });
  });

  describe('every host:port agrees with the service that listens there', () => {
    /** The port a compose service listens on, read from its own config (flags, env, image defaults). */
    function listens(service: string, port: number): boolean {
      const s = real.services[service];
      if (!s) return false;
      const text = [...(s.command ?? []), ...Object.values(s.environment ?? {}), ...(s.healthcheck?.test ?? [])].join(' ');
      const defaults: Record<string, number[]> = { prometheus: [9090], alertmanager: [9093], grafana: [3000] };
      return (defaults[service] ?? []).includes(port) || new RegExp(`(?:[:=]|PORT: ?)${port}\\b`).test(text) || Object.values(s.environment ?? {}).includes(String(port));
    }

    it('prometheus.yml targets (collector, direct app, alertmanager, itself)', () => {
      const prom = parse(readFileSync(join(repoRoot, PATHS.prometheusConfig), 'utf8')) as {
        scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
        alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
        rule_files: string[];
      };
      const targets = [
        ...prom.scrape_configs.flatMap((j) => j.static_configs.flatMap((c) => c.targets)),
        ...prom.alerting.alertmanagers.flatMap((a) => a.static_configs.flatMap((c) => c.targets)),
      ];
      expect(targets.sort()).toEqual(['alertmanager:9093', 'demo-app-direct:9464', 'localhost:9090', 'otel-collector:8888', 'otel-collector:8889']);
      // Both demo apps declare the same environment as a resource attribute; each path turns it into the
      // deployment_environment_name label itself, so the direct job has no target label competing with it.
      expect(real.services['demo-app-direct']!.environment!.OTEL_RESOURCE_ATTRIBUTES).toBe('deployment.environment.name=compose');
      expect(real.services['demo-app']!.environment!.OTEL_RESOURCE_ATTRIBUTES).toBe('deployment.environment.name=compose');
      const direct = prom.scrape_configs.find((j) => j.job_name === 'demo-app-direct')!.static_configs[0] as { labels?: Record<string, string> };
      expect(direct.labels).toBeUndefined();
      for (const t of targets) {
        const [host, port] = hostPort(t);
        expect(listens(host === 'localhost' ? 'prometheus' : host, port), t).toBe(true);
      }
      // Rule files resolve next to the mounted prometheus.yml.
      const mounts = real.services.prometheus!.volumes!;
      for (const rule of prom.rule_files) {
        const inContainer = join('/etc/prometheus', rule);
        const mount = mounts.find((m) => inContainer.startsWith(`${m.target}/`));
        expect(mount, rule).toBeDefined();
        expect(statSync(join(mount!.source, relative(mount!.target, inContainer))).isFile()).toBe(true);
      }
    });

    it('Grafana datasource, Alertmanager contact point, dashboards path and home dashboard', () => {
      const ds = parse(readFileSync(join(repoRoot, PROVISIONING_PATHS.datasource), 'utf8')) as { datasources: { url: string }[] };
      const [dsHost, dsPort] = hostPort(ds.datasources[0]!.url);
      expect(listens(dsHost, dsPort)).toBe(true);
      const grafana = real.services.grafana!;
      const [amHost, amPort] = hostPort(grafana.environment![PROVISIONING_ENV.alertmanagerUrl]!);
      expect([amHost, listens(amHost, amPort)]).toEqual(['alertmanager', true]);
      const dashMount = grafana.volumes!.find((v) => v.target === GRAFANA_DASHBOARDS_PATH)!;
      expect(relative(repoRoot, dashMount.source)).toBe(PATHS.dashboardsDir);
      const provMount = grafana.volumes!.find((v) => v.target === '/etc/grafana/provisioning')!;
      expect(relative(repoRoot, provMount.source)).toBe('grafana/provisioning');
      const home = grafana.environment!.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH!;
      expect(existsSync(join(dashMount.source, relative(GRAFANA_DASHBOARDS_PATH, home)))).toBe(true);
    });

    it('OTLP, remote write and OpenAI endpoints of the apps and the collector', () => {
      const col = real.services['otel-collector']!.environment!;
      for (const app of ['demo-app', 'demo-app-real']) {
        const [host, port] = hostPort(real.services[app]!.environment!.OTEL_EXPORTER_OTLP_ENDPOINT!);
        expect([host, port]).toEqual(['otel-collector', hostPort(col.OTELCOL_OTLP_HTTP_ENDPOINT!)[1]]);
        expect(real.services[app]!.environment!.OTEL_EXPORTER_OTLP_PROTOCOL).toBe('http/protobuf');
      }
      expect(hostPort(col.OTELCOL_PROMETHEUS_ENDPOINT!)).toEqual(['0.0.0.0', 8889]);
      expect(real.services.prometheus!.command).toContain('--web.enable-remote-write-receiver');
      for (const app of ['demo-app', 'demo-app-direct']) {
        const [host, port] = hostPort(real.services[app]!.environment!.OPENAI_BASE_URL!);
        expect([host, listens(host, port)]).toEqual(['simulator', true]);
      }
      // Every collector endpoint variable the config reads is set, and none is left at its loopback default.
      const sidecar = readFileSync(join(repoRoot, 'otel-collector/sidecar.yaml'), 'utf8');
      const endpointVars = [...sidecar.matchAll(/\$\{env:(OTELCOL_\w+(?:ENDPOINT|URL|HOST))/g)].map((m) => m[1]!);
      expect(endpointVars.length).toBeGreaterThan(4);
      for (const v of endpointVars) expect(col[v], v).toBeDefined();
    });
  });

  it('the collector config passes `otelcol validate` with the compose environment (same components and release)', () => {
    const svc = real.services['otel-collector']!;
    // Only the shipped sidecar.yaml: its one export path is the scrape endpoint Prometheus scrapes here.
    expect(svc.command).toEqual(['--config=/etc/otelcol/sidecar.yaml']);
    const mount = svc.volumes!.find((v) => v.target === '/etc/otelcol/sidecar.yaml')!;
    const dir = mkdtempSync(join(tmpdir(), 'genai-compose-otelcol-'));
    try {
      const run = (...extra: string[]) =>
        spawnSync(findTool('otelcol'), ['validate', `--config=${mount.source}`, ...extra.map((e) => `--config=${e}`)], { env: { ...process.env, ...svc.environment }, encoding: 'utf8' });
      const ok = run();
      expect(ok.status, ok.stderr).toBe(0);
      writeFileSync(join(dir, 'broken.yaml'), JSON.stringify({ service: { pipelines: { metrics: { exporters: ['prometheus', 'missing'] } } } }));
      expect(run(join(dir, 'broken.yaml')).status).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the Dockerfile copies every workspace manifest and only paths that exist', () => {
    const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
    const sources = [...dockerfile.matchAll(/^COPY\s+(.+)\s+\S+$/gm)].flatMap((m) => m[1]!.split(/\s+/));
    expect(sources.length).toBeGreaterThan(10);
    for (const src of sources) expect(existsSync(join(repoRoot, src)), src).toBe(true);
    const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
    const workspaces = Object.keys(lock.packages).filter((p) => p.startsWith('packages/') && !p.includes('node_modules'));
    for (const ws of workspaces) expect(sources, ws).toContain(`${ws}/package.json`);
    expect(dockerfile).toMatch(/^FROM node:\d+\.\d+\.\d+-bookworm-slim$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
  });
});
