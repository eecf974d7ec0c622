// The notification wiring of docker-compose.yml, read through a real Compose v2 (`config`): every
// GENAI_METER_NOTIFY_* variable reaches the notifications service, which writes where Alertmanager and
// Grafana read, sees the secrets where they do, and runs before both. Then the CLI is run here with
// the environment Compose computed and its command's own arguments (paths under a temporary root),
// and amtool checks the Alertmanager config it wrote.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_SECRETS_DIR, NOTIFY_ENV, PROVISIONING_PATHS } from '../src/index.js';
import { findTool, run } from './tools.js';

const repoRoot = resolve(import.meta.dirname, '../../..');

interface Volume {
  type: string;
  source: string;
  target: string;
  read_only?: boolean;
}
interface Service {
  command?: string[];
  environment?: Record<string, string | null>;
  volumes?: Volume[];
  depends_on?: Record<string, { condition: string }>;
  restart?: string;
  build?: unknown;
}

let composeBin: string;
function composeConfig(env: Record<string, string>): Record<string, Service> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GENAI_METER_NOTIFY_')));
  const r = spawnSync(composeBin, ['-f', join(repoRoot, 'docker-compose.yml'), 'config', '--format', 'json'], {
    cwd: repoRoot,
    env: { ...clean, GRAFANA_ADMIN_PASSWORD: 'test-only-not-a-secret', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return (JSON.parse(r.stdout) as { services: Record<string, Service> }).services;
}

describe('docker-compose.yml: notifications', () => {
  let dir: string;
  beforeAll(() => {
    composeBin = execFileSync('bash', [join(repoRoot, 'scripts/tools/ensure-compose.sh')], { encoding: 'utf8', timeout: 1_500_000 }).trim();
    dir = mkdtempSync(join(tmpdir(), 'genai-mixin-compose-notify-'));
  }, 1_600_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes every GENAI_METER_NOTIFY_* variable to the notifications service, empty when unset, but the secrets directory (a fixed mount)', () => {
    const vars = Object.values(NOTIFY_ENV)
      .map((v) => v.name)
      .filter((v) => v !== NOTIFY_ENV.secretsDir.name);
    const unset = composeConfig({}).notifications!;
    expect(Object.keys(unset.environment ?? {}).sort()).toEqual([...vars].sort());
    expect(Object.values(unset.environment!).every((v) => v === '' || v === null)).toBe(true);
    const set = composeConfig(Object.fromEntries(vars.map((v) => [v, `value-of-${v}`]))).notifications!;
    for (const v of vars) expect(set.environment![v], v).toBe(`value-of-${v}`);
    expect(unset.restart).toBe('no');
    expect(unset.build).toBeDefined();
  });

  it('writes where Alertmanager and Grafana read, sees the secrets where they do, and runs before both', () => {
    const services = composeConfig({});
    const cli = services.notifications!;
    const arg = (name: string) => cli.command!.find((a) => a.startsWith(`--${name}=`))!.slice(name.length + 3);
    expect(cli.command!.slice(0, 2)).toEqual(['node', 'packages/mixin/dist/notifications-cli.js']);
    // The bin the image builds (scripts/build.mjs builds the package's entries; the Dockerfile builds mixin).
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'packages/mixin/package.json'), 'utf8')) as { bin: Record<string, string>; genaiMeter: { entries: string[] } };
    expect(join('packages/mixin', pkg.bin['genai-meter-notifications']!)).toBe(cli.command![1]);
    expect(pkg.genaiMeter.entries).toContain('src/notifications-cli.ts');
    expect(readFileSync(join(repoRoot, 'Dockerfile'), 'utf8')).toMatch(/^RUN node scripts\/build\.mjs .*\bmixin\b/m);

    /** The mount a container path is on: the deepest one that contains it, as the container sees it. */
    const mountOf = (svc: Service, path: string) =>
      svc.volumes!.filter((v) => path === v.target || path.startsWith(`${v.target}/`)).sort((a, b) => b.target.length - a.target.length)[0];
    // Alertmanager's config file is the one the CLI writes, through the same named volume.
    const am = services.alertmanager!;
    const amConfig = am.command!.find((a) => a.startsWith('--config.file='))!.slice('--config.file='.length);
    const written = mountOf(cli, arg('alertmanager'))!;
    const read = mountOf(am, amConfig)!;
    expect([written.type, read.type, read.source, read.read_only]).toEqual(['volume', 'volume', written.source, true]);
    expect(relative(read.target, amConfig)).toBe(relative(written.target, arg('alertmanager')));
    // Grafana reads its alerting provisioning from the directory the CLI fills (rules copied from the repository).
    const grafana = services.grafana!;
    const alerting = mountOf(grafana, '/etc/grafana/provisioning/alerting/x.yml')!;
    expect([alerting.target, alerting.source, alerting.read_only]).toEqual(['/etc/grafana/provisioning/alerting', mountOf(cli, arg('grafana'))!.source, true]);
    const rulesFrom = mountOf(cli, arg('grafana-rules-from'))!;
    expect([rulesFrom.type, relative(repoRoot, rulesFrom.source), rulesFrom.read_only]).toEqual(['bind', 'grafana/provisioning/alerting', true]);
    // The secrets: the same volume at the same path everywhere (the configs name these paths).
    for (const svc of [cli, am, grafana]) {
      const m = svc.volumes!.find((v) => v.target === DEFAULT_SECRETS_DIR)!;
      expect([m.type, m.source, m.read_only]).toEqual(['volume', 'notification-secrets', true]);
    }
    for (const svc of [am, grafana]) expect(svc.depends_on!.notifications).toEqual(expect.objectContaining({ condition: 'service_completed_successfully' }));
  });

  it('the service\'s command with the environment Compose gives it renders configs amtool accepts', () => {
    const env = {
      [NOTIFY_ENV.page.name]: 'pagerduty,webhook',
      [NOTIFY_ENV.ticket.name]: 'slack',
      [NOTIFY_ENV.staging.name]: 'feishu',
      [NOTIFY_ENV.webhookUrl.name]: 'http://pager-bridge:8080/alerts',
      [NOTIFY_ENV.feishuRelayUrl.name]: 'http://feishu-relay:8086/hook',
      [NOTIFY_ENV.heartbeatUrl.name]: 'https://hc-ping.example/uuid',
    };
    const cli = composeConfig(env).notifications!;
    // The container's paths under a temporary root; the secret files live in the container, not here.
    const root = join(dir, 'container');
    const args = cli.command!.slice(2).map((a) => a.replace(/=(\/.*)$/, (_m, p: string) => `=${join(root, p)}`));
    mkdirSync(join(root, '/etc/genai-meter/grafana-alerting'), { recursive: true });
    const compEnv = Object.fromEntries(Object.entries(cli.environment!).map(([k, v]) => [k, v ?? '']));
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GENAI_METER_NOTIFY_')));
    const r = spawnSync(join(repoRoot, 'node_modules/.bin/tsx'), [join(repoRoot, 'packages/mixin/src/notifications-cli.ts'), ...args, '--no-check-files'], {
      env: { ...clean, ...compEnv },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const amPath = join(root, '/app/notifications/alertmanager/alertmanager.yml');
    const check = run(findTool('amtool'), ['check-config', amPath], dir);
    expect(check.stdout).toContain('SUCCESS');
    const receivers = (parse(readFileSync(amPath, 'utf8')) as { receivers: { name: string; webhook_configs?: { url: string }[] }[] }).receivers;
    expect(receivers.find((x) => x.name === 'staging')!.webhook_configs!.map((w) => w.url)).toEqual(['http://feishu-relay:8086/hook']);
    expect(readdirSync(join(root, '/app/notifications/grafana-alerting')).sort()).toEqual(
      [PROVISIONING_PATHS.contactPoints, PROVISIONING_PATHS.policies].map((p) => p.split('/').pop()).sort(),
    );
    expect(existsSync(join(repoRoot, 'grafana/provisioning/alerting', PROVISIONING_PATHS.alertRules.split('/').pop()!))).toBe(true);
  });
});
