// Grafana's contact points and notification policies, checked against the provisioning format Grafana
// documents and the settings each Grafana 12.1 integration reads (no Grafana server can run here):
// secrets only as $__file{} references that resolve to the secret files, every receiver a policy names
// exists, and the policy tree routed by amtool (Grafana routes with Alertmanager's routing code) for
// staging vs production, page vs ticket, the watchdog. With Prometheus notifying (the default), Grafana
// hands every alert to Alertmanager.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import {
  ALERTMANAGER_CONTACT_POINT,
  amMatcher,
  EXAMPLE_NOTIFY_ENV,
  FEISHU_PAYLOAD,
  L,
  notificationProvisioningFiles,
  NOTIFY_ENV as N,
  notificationSettingsFromEnv,
  PROVISIONING_ENV,
  PROVISIONING_PATHS,
  SECRET_FILES,
  WATCHDOG_ALERT,
  type MatchOp,
} from '../src/index.js';
import { findTool, run } from './tools.js';

const repoRoot = resolve(import.meta.dirname, '../../..');

/**
 * The settings each integration reads in Grafana 12.1: the JSON keys of its config struct in
 * grafana/alerting at 615c8286e14b (the version Grafana 12.1 pins) and what its NewConfig refuses to
 * be without (one of the `required` sets). Facts from Grafana's source, independent of the renderer.
 */
const GRAFANA_12_1: Record<string, { keys: readonly string[]; required: readonly (readonly string[])[] }> = {
  slack: {
    keys: ['endpointUrl', 'url', 'token', 'recipient', 'text', 'title', 'username', 'icon_emoji', 'icon_url', 'mentionChannel', 'mentionUsers', 'mentionGroups', 'color'],
    required: [['url'], ['token', 'recipient']],
  },
  email: { keys: ['singleEmail', 'addresses', 'message', 'subject'], required: [['addresses']] },
  pagerduty: { keys: ['integrationKey', 'severity', 'details', 'class', 'component', 'group', 'summary', 'source', 'client', 'client_url', 'url'], required: [['integrationKey']] },
  webhook: {
    keys: ['url', 'httpMethod', 'maxAlerts', 'authorization_scheme', 'authorization_credentials', 'username', 'password', 'title', 'message', 'tlsConfig', 'hmacConfig', 'headers', 'payload'],
    required: [['url']],
  },
  dingding: { keys: ['url', 'msgType', 'title', 'message'], required: [['url']] },
  wecom: { keys: ['endpointUrl', 'url', 'agent_id', 'corp_id', 'secret', 'msgtype', 'message', 'title', 'touser'], required: [['url'], ['secret', 'agent_id', 'corp_id']] },
  'prometheus-alertmanager': { keys: ['url', 'basicAuthUser', 'basicAuthPassword'], required: [['url']] },
};
/** Keys of a notification policy (Grafana's definitions.Route, Alertmanager's route). */
const ROUTE_KEYS = ['receiver', 'group_by', 'continue', 'object_matchers', 'matchers', 'mute_time_intervals', 'active_time_intervals', 'group_wait', 'group_interval', 'repeat_interval', 'routes'];
/** Settings that carry a secret (a token, a key, or a URL with its token). */
const SECRET_SETTINGS: Record<string, readonly string[]> = {
  slack: ['url', 'token'],
  pagerduty: ['integrationKey'],
  webhook: ['authorization_credentials', 'password'],
  dingding: ['url'],
  wecom: ['url', 'secret'],
  'prometheus-alertmanager': ['basicAuthPassword'],
};

/**
 * Grafana's interpolation of a provisioning value: split on `$$` (a literal `$`), then
 * `$__file{path}` (the file's trimmed content), `$__env{NAME}`, `${NAME}` and `$NAME`.
 */
function grafanaInterpolate(value: string, env: Record<string, string>): string {
  return value
    .split('$$')
    .map((part) =>
      part
        .replace(/\$(|__\w+)\{([^}]+)\}/g, (_m, kind: string, arg: string) => {
          if (kind === '__file') return readFileSync(arg, 'utf8').trim();
          if (kind === '' || kind === '__env') return env[arg] ?? '';
          throw new Error(`unknown expander ${kind}`);
        })
        .replace(/\$(\w+)/g, (_m, name: string) => env[name] ?? ''),
    )
    .join('$');
}
const interpolateAll = (v: unknown, env: Record<string, string>): unknown =>
  typeof v === 'string' ? grafanaInterpolate(v, env) : Array.isArray(v) ? v.map((x) => interpolateAll(x, env)) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, interpolateAll(x, env)])) : v;

interface Integration {
  uid: string;
  type: string;
  settings: Record<string, unknown>;
  disableResolveMessage: boolean;
}
interface ContactPoints {
  apiVersion: number;
  contactPoints: { orgId: number; name: string; receivers: Integration[] }[];
}
interface Policy {
  receiver: string;
  group_by?: string[];
  object_matchers?: [string, MatchOp, string][];
  routes?: Policy[];
  [k: string]: unknown;
}
interface Policies {
  apiVersion: number;
  policies: (Policy & { orgId: number })[];
}

let dir: string;
let secrets: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'genai-mixin-grafana-notify-'));
  secrets = join(dir, 'secrets');
  mkdirSync(secrets);
  for (const [k, name] of Object.entries(SECRET_FILES)) writeFileSync(join(secrets, name), `secret-of-${k}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const grafanaEnv = () => ({
  [N.source.name]: 'grafana',
  [N.secretsDir.name]: secrets,
  [N.page.name]: 'pagerduty,webhook,wecom',
  [N.ticket.name]: 'slack,email,feishu',
  [N.info.name]: 'slack',
  [N.staging.name]: 'dingtalk,feishu',
  [N.heartbeatUrl.name]: 'https://hc-ping.example/uuid',
  [N.heartbeatTokenFile.name]: join(secrets, SECRET_FILES.webhookToken),
  [N.webhookUrl.name]: 'https://hooks.example/genai',
  [N.emailTo.name]: 'oncall@example.com;owners@example.com',
  [N.emailFrom.name]: 'grafana@example.com',
  [N.smtpSmarthost.name]: 'smtp.example.com:587',
  [N.pagerdutyUrl.name]: 'https://events.eu.pagerduty.com/v2/enqueue',
});

function render(env: Readonly<Record<string, string>>): { raw: { contactPoints: string; policies: string }; contactPoints: ContactPoints; policies: Policies } {
  // The example names files where Grafana runs, not here.
  const files = notificationProvisioningFiles(notificationSettingsFromEnv(env, { checkFiles: env !== EXAMPLE_NOTIFY_ENV }));
  const raw = { contactPoints: files[PROVISIONING_PATHS.contactPoints]!, policies: files[PROVISIONING_PATHS.policies]! };
  return { raw, contactPoints: parse(raw.contactPoints) as ContactPoints, policies: parse(raw.policies) as Policies };
}

/** Every problem of a contact-point file against the provisioning format and Grafana 12.1's settings. */
function contactPointProblems(doc: ContactPoints): string[] {
  const out: string[] = [];
  if (doc.apiVersion !== 1) out.push(`apiVersion ${doc.apiVersion}`);
  const uids = new Set<string>();
  for (const cp of doc.contactPoints) {
    if (cp.orgId !== 1 || !cp.name?.trim() || !cp.receivers.length) out.push(`${cp.name}: orgId, name and at least one integration`);
    for (const r of cp.receivers) {
      const where = `${cp.name}/${r.uid}`;
      if (Object.keys(r).sort().join() !== 'disableResolveMessage,settings,type,uid') out.push(`${where}: keys ${Object.keys(r).join()}`);
      if (!/^[a-zA-Z0-9_-]{1,40}$/.test(r.uid) || uids.has(r.uid)) out.push(`${where}: uid must be unique, at most 40 of [a-zA-Z0-9_-]`);
      uids.add(r.uid);
      const schema = GRAFANA_12_1[r.type];
      if (!schema) {
        out.push(`${where}: type ${r.type} is not a Grafana 12.1 integration`);
        continue;
      }
      for (const k of Object.keys(r.settings)) if (!schema.keys.includes(k)) out.push(`${where}: ${r.type} has no setting ${k}`);
      if (!schema.required.some((set) => set.every((k) => typeof r.settings[k] === 'string' && (r.settings[k] as string).length > 0))) {
        out.push(`${where}: ${r.type} needs ${schema.required.map((s) => s.join('+')).join(' or ')}`);
      }
      for (const k of SECRET_SETTINGS[r.type] ?? []) {
        const v = r.settings[k];
        if (v !== undefined && !/^\$__file\{\/[^{}$]+\}$/.test(String(v))) out.push(`${where}: secret ${k} is not a $__file{} reference: ${String(v)}`);
      }
    }
  }
  return out;
}

describe('contact points', () => {
  it('Grafana notifies: one contact point per route with receivers, each integration a Grafana 12.1 type with its own settings, secrets as $__file{}', () => {
    const { contactPoints } = render(grafanaEnv());
    expect(contactPointProblems(contactPoints)).toEqual([]);
    expect(contactPoints.contactPoints.map((c) => `${c.name}: ${c.receivers.map((r) => r.type).join(',')}`)).toEqual([
      `${ALERTMANAGER_CONTACT_POINT}: prometheus-alertmanager`,
      'genai-meter-page: pagerduty,webhook,wecom',
      'genai-meter-ticket: slack,email,webhook',
      'genai-meter-info: slack',
      'genai-meter-staging: dingding,webhook',
      'genai-meter-heartbeat: webhook',
    ]);
    // The Feishu bot gets its own message shape through the webhook's custom payload.
    const feishu = contactPoints.contactPoints.flatMap((c) => c.receivers).filter((r) => r.uid.endsWith('-feishu'));
    expect(feishu.map((r) => r.settings.payload)).toEqual([{ template: FEISHU_PAYLOAD }, { template: FEISHU_PAYLOAD }]);
    expect(FEISHU_PAYLOAD).toMatch(/^\{\{ coll\.Dict "msg_type" "text" "content" \(coll\.Dict "text" \(tmpl\.Exec "default\.message" \.\)\) \| data\.ToJSON \}\}$/);
    // A dead man's switch must not be told "resolved".
    const heartbeat = contactPoints.contactPoints.find((c) => c.name === 'genai-meter-heartbeat')!.receivers[0]!;
    expect([heartbeat.disableResolveMessage, heartbeat.settings.maxAlerts]).toEqual([true, 1]);
  });

  it('after Grafana reads the file, each secret is the content of its file and nothing else carries one', () => {
    const { raw } = render(grafanaEnv());
    const env = { [PROVISIONING_ENV.alertmanagerUrl]: 'http://alertmanager:9093' };
    const expanded = interpolateAll(parse(raw.contactPoints), env) as ContactPoints;
    const byUid = Object.fromEntries(expanded.contactPoints.flatMap((c) => c.receivers).map((r) => [r.uid, r.settings]));
    expect(byUid['genai-meter-alertmanager']!.url).toBe('http://alertmanager:9093');
    expect(byUid['genai-meter-ticket-slack']!.url).toBe('secret-of-slack');
    expect(byUid['genai-meter-page-pagerduty']).toMatchObject({ integrationKey: 'secret-of-pagerduty', url: 'https://events.eu.pagerduty.com/v2/enqueue' });
    expect(byUid['genai-meter-page-webhook']).toMatchObject({ url: 'https://hooks.example/genai', authorization_scheme: 'Bearer', authorization_credentials: 'secret-of-webhookToken' });
    expect(byUid['genai-meter-page-wecom']!.url).toBe('secret-of-wecom');
    expect(byUid['genai-meter-staging-dingtalk']!.url).toBe('secret-of-dingtalk');
    expect(byUid['genai-meter-staging-feishu']!.url).toBe('secret-of-feishu');
    expect(byUid['genai-meter-heartbeat-webhook']!.authorization_credentials).toBe('secret-of-webhookToken');
    expect(byUid['genai-meter-ticket-email']!.addresses).toBe('oncall@example.com;owners@example.com');
    // Templates reach Grafana unchanged; no other $ in the files than the references.
    expect(byUid['genai-meter-ticket-slack']!.title).toBe('[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} {{ .CommonLabels.service_name }}');
    expect(raw.contactPoints.match(/\$[^_{]/g)).toBeNull();
    expect(raw.contactPoints).not.toContain('secret-of-');
  });

  it('a file that breaks the format is caught (the check is not vacuous)', () => {
    const { contactPoints } = render(grafanaEnv());
    const broken = structuredClone(contactPoints);
    const slack = broken.contactPoints[3]!.receivers[0]!;
    slack.settings = { ...slack.settings, url: 'https://hooks.slack.example/inline', channel: '#x' };
    broken.contactPoints[1]!.receivers[0]!.type = 'lark';
    broken.contactPoints[2]!.receivers[1]!.settings = { singleEmail: true };
    expect(contactPointProblems(broken)).toEqual([
      'genai-meter-page/genai-meter-page-pagerduty: type lark is not a Grafana 12.1 integration',
      'genai-meter-ticket/genai-meter-ticket-email: email needs addresses',
      'genai-meter-info/genai-meter-info-slack: slack has no setting channel',
      'genai-meter-info/genai-meter-info-slack: secret url is not a $__file{} reference: https://hooks.slack.example/inline',
    ]);
  });

  it('Prometheus notifies (default, and the committed file): only the hand-off to Alertmanager', () => {
    const committed = parse(readFileSync(join(repoRoot, PROVISIONING_PATHS.contactPoints), 'utf8')) as ContactPoints;
    expect(committed).toEqual(render(EXAMPLE_NOTIFY_ENV).contactPoints);
    expect(contactPointProblems(committed)).toEqual([]);
    expect(committed.contactPoints.map((c) => [c.name, c.receivers.map((r) => r.type)])).toEqual([[ALERTMANAGER_CONTACT_POINT, ['prometheus-alertmanager']]]);
  });
});

describe('notification policies', () => {
  const amtool = findTool('amtool');
  let n = 0;
  /** The policy tree as an Alertmanager config (receivers without integrations), for amtool. */
  function asAlertmanagerConfig(p: Policy, contactPoints: ContactPoints): string {
    const toRoute = (r: Policy): Record<string, unknown> => {
      const { object_matchers, routes, ...rest } = r;
      return { ...rest, ...(object_matchers ? { matchers: object_matchers.map(([label, op, value]) => amMatcher({ label, op, value })) } : {}), ...(routes ? { routes: routes.map(toRoute) } : {}) };
    };
    const path = join(dir, `policy-${++n}.yml`);
    writeFileSync(path, stringify({ route: toRoute(p), receivers: contactPoints.contactPoints.map((c) => ({ name: c.name })) }));
    return path;
  }
  const route = (config: string, labels: Record<string, string>) =>
    run(amtool, ['config', 'routes', 'test', `--config.file=${config}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)], dir).stdout.trim();

  it('Grafana notifies: the same tree as Alertmanager, each route to its contact point (or the hand-off when it has no receiver); amtool routes it', () => {
    const env = { ...grafanaEnv(), [N.info.name]: '' };
    const { policies, contactPoints } = render(env);
    expect(policies.apiVersion).toBe(1);
    const [root] = policies.policies;
    const { orgId, ...tree } = root!;
    expect(orgId).toBe(1);
    const keys = (p: Policy): string[] => [...Object.keys(p), ...(p.routes ?? []).flatMap(keys)];
    expect(keys(tree).filter((k) => !ROUTE_KEYS.includes(k))).toEqual([]);
    const names = new Set(contactPoints.contactPoints.map((c) => c.name));
    const receivers = (p: Policy): string[] => [p.receiver, ...(p.routes ?? []).flatMap(receivers)];
    for (const r of receivers(tree)) expect(names, r).toContain(r);
    expect(tree.group_by).toEqual(['alertname', L.service, L.environment]);

    const config = asAlertmanagerConfig(tree, contactPoints);
    const check = run(amtool, ['check-config', config], dir);
    expect(check.stdout).toContain('SUCCESS');
    const page = { alertname: 'GenAIServerErrors', severity: 'page', [L.service]: 'checkout', [L.environment]: 'production' };
    const cases: [string, Record<string, string>, string][] = [
      ['production page', page, 'genai-meter-page'],
      ['staging page', { ...page, [L.environment]: 'staging' }, 'genai-meter-staging'],
      ['page without environment', { alertname: 'GenAIServerErrors', severity: 'page' }, 'genai-meter-page'],
      ['production ticket', { ...page, alertname: 'GenAITimeouts', severity: 'ticket' }, 'genai-meter-ticket'],
      ['production info (no info receiver: held by Alertmanager)', { ...page, alertname: 'GenAIExpensiveCalls', severity: 'info' }, ALERTMANAGER_CONTACT_POINT],
      ['watchdog', { alertname: WATCHDOG_ALERT, severity: 'none' }, 'genai-meter-heartbeat'],
    ];
    for (const [what, labels, receiver] of cases) expect(route(config, labels), what).toBe(receiver);
  });

  it('Prometheus notifies (default, and the committed file): everything to the hand-off, where Alertmanager holds Grafana\'s copies', () => {
    const committed = parse(readFileSync(join(repoRoot, PROVISIONING_PATHS.policies), 'utf8')) as Policies;
    const { policies, contactPoints } = render(EXAMPLE_NOTIFY_ENV);
    expect(committed).toEqual(policies);
    const { orgId: _o, ...tree } = committed.policies[0]!;
    expect(tree.routes).toBeUndefined();
    const config = asAlertmanagerConfig(tree, contactPoints);
    const alerts: Record<string, string>[] = [{ alertname: 'GenAIServerErrors', severity: 'page', [L.environment]: 'production' }, { alertname: WATCHDOG_ALERT }];
    for (const labels of alerts) {
      expect(route(config, labels)).toBe(ALERTMANAGER_CONTACT_POINT);
    }
  });
});
