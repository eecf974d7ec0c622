// Notification settings read from environment variables. Secrets are never values: each is a file
// path that Alertmanager (`*_file` settings) or Grafana (`$__file{}`) reads when it sends. Every
// problem is collected and reported at once, naming the variable and what is wrong with it.
import { statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

export const RECEIVER_KINDS = ['slack', 'email', 'pagerduty', 'webhook', 'dingtalk', 'feishu', 'wecom'] as const;
export type ReceiverKind = (typeof RECEIVER_KINDS)[number];

/** Chat tools Alertmanager has no integration for (reached through a relay when Prometheus notifies). */
export const CHAT_KINDS = ['dingtalk', 'feishu', 'wecom'] as const satisfies readonly ReceiverKind[];
export type ChatKind = (typeof CHAT_KINDS)[number];

/** Routes that take a list of receivers (the heartbeat takes a URL). */
export const RECEIVER_ROUTES = ['page', 'ticket', 'info', 'staging'] as const;
export type ReceiverRoute = (typeof RECEIVER_ROUTES)[number];

/**
 * Which copy of the alerts notifies: the Prometheus rules through Alertmanager, or the Grafana-managed
 * rules through Grafana's contact points. The other copy is evaluated and shown, never delivered.
 */
export type NotifySource = 'prometheus' | 'grafana';

export interface EmailSettings {
  readonly to: string;
  /** Sender and SMTP server (host:port): Alertmanager's; Grafana sends with its own SMTP settings (GF_SMTP_*). */
  readonly from?: string;
  readonly smarthost?: string;
  readonly username?: string;
  readonly passwordFile?: string;
  readonly requireTls: boolean;
}

/** A chat tool: its robot webhook URL in a file (Grafana), or a relay's URL (Alertmanager). */
export interface ChatSettings {
  readonly webhookUrlFile?: string;
  readonly relayUrl?: string;
}

export interface NotificationSettings {
  readonly source: NotifySource;
  readonly routes: Readonly<Record<ReceiverRoute, readonly ReceiverKind[]>>;
  /** `deployment_environment_name` values that may page; every other value is staging. */
  readonly productionEnvironments: readonly string[];
  /** How an alert without `deployment_environment_name` is routed (stack alerts, services that set none). */
  readonly unlabelledEnvironment: 'production' | 'staging';
  /** Dead man's switch: where the always-firing watchdog alert is sent, repeatedly. */
  readonly heartbeat?: { readonly url: string; readonly tokenFile?: string };
  readonly slack?: { readonly webhookUrlFile: string };
  readonly email?: EmailSettings;
  readonly pagerduty?: { readonly routingKeyFile: string; readonly url?: string };
  readonly webhook?: { readonly url: string; readonly tokenFile?: string };
  readonly dingtalk?: ChatSettings;
  readonly feishu?: ChatSettings;
  readonly wecom?: ChatSettings;
}

const P = 'GENAI_METER_NOTIFY_';

/** Every variable the notifications read, with what it holds (rendered into the README and `--help`). */
export const NOTIFY_ENV = {
  source: { name: `${P}SOURCE`, help: '`prometheus` (default: the Prometheus rules notify through Alertmanager) or `grafana` (the Grafana-managed rules notify through Grafana contact points)' },
  page: { name: `${P}PAGE`, help: 'receivers of production pages, comma-separated (`slack,email,pagerduty,webhook,dingtalk,feishu,wecom`); empty: nobody' },
  ticket: { name: `${P}TICKET`, help: 'receivers of production tickets (and any alert without a severity route)' },
  info: { name: `${P}INFO`, help: 'receivers of production info alerts' },
  staging: { name: `${P}STAGING`, help: 'receivers of every non-production alert, whatever its severity (never `pagerduty`); empty: nobody' },
  productionEnvironments: { name: `${P}PRODUCTION_ENVIRONMENTS`, help: '`deployment_environment_name` values that are production (default `production,prod`)' },
  unlabelledEnvironment: { name: `${P}UNLABELLED_ENVIRONMENT`, help: 'route alerts without `deployment_environment_name` as `production` (default) or `staging`' },
  secretsDir: { name: `${P}SECRETS_DIR`, help: 'directory of the secret files below (default `/etc/genai-meter/secrets`); absolute' },
  heartbeatUrl: { name: `${P}HEARTBEAT_URL`, help: "dead man's switch URL the watchdog alert is sent to every minute; empty: the watchdog goes nowhere" },
  heartbeatTokenFile: { name: `${P}HEARTBEAT_TOKEN_FILE`, help: 'optional bearer token file for the heartbeat URL' },
  slackWebhookUrlFile: { name: `${P}SLACK_WEBHOOK_URL_FILE`, help: 'file with the Slack incoming-webhook URL (default `<secrets dir>/slack-webhook-url`)' },
  emailTo: { name: `${P}EMAIL_TO`, help: 'recipient address(es) of e-mail notifications' },
  emailFrom: { name: `${P}EMAIL_FROM`, help: 'sender address (SOURCE=prometheus; Grafana uses its own `GF_SMTP_FROM_ADDRESS`)' },
  smtpSmarthost: { name: `${P}SMTP_SMARTHOST`, help: 'SMTP server `host:port` (SOURCE=prometheus; Grafana uses its own `GF_SMTP_*` settings)' },
  smtpUsername: { name: `${P}SMTP_USERNAME`, help: 'SMTP user; when set, the password file is required' },
  smtpPasswordFile: { name: `${P}SMTP_PASSWORD_FILE`, help: 'file with the SMTP password (default `<secrets dir>/smtp-password`)' },
  smtpRequireTls: { name: `${P}SMTP_REQUIRE_TLS`, help: '`true` (default) or `false`' },
  pagerdutyRoutingKeyFile: { name: `${P}PAGERDUTY_ROUTING_KEY_FILE`, help: 'file with the PagerDuty Events API v2 routing key (default `<secrets dir>/pagerduty-routing-key`)' },
  pagerdutyUrl: { name: `${P}PAGERDUTY_URL`, help: 'Events API endpoint (default PagerDuty\'s; e.g. `https://events.eu.pagerduty.com/v2/enqueue`)' },
  webhookUrl: { name: `${P}WEBHOOK_URL`, help: 'URL of the generic webhook (Alertmanager/Grafana webhook JSON)' },
  webhookAuth: { name: `${P}WEBHOOK_AUTH`, help: '`bearer` (default: the token file is required) or `none`' },
  webhookTokenFile: { name: `${P}WEBHOOK_TOKEN_FILE`, help: 'file with the webhook bearer token (default `<secrets dir>/webhook-token`)' },
  dingtalkWebhookUrlFile: { name: `${P}DINGTALK_WEBHOOK_URL_FILE`, help: 'SOURCE=grafana: file with the DingTalk robot URL (default `<secrets dir>/dingtalk-webhook-url`)' },
  dingtalkRelayUrl: { name: `${P}DINGTALK_RELAY_URL`, help: 'SOURCE=prometheus: URL of a DingTalk relay such as prometheus-webhook-dingtalk (it holds the robot token)' },
  feishuWebhookUrlFile: { name: `${P}FEISHU_WEBHOOK_URL_FILE`, help: 'SOURCE=grafana: file with the Feishu/Lark custom-bot URL (default `<secrets dir>/feishu-webhook-url`)' },
  feishuRelayUrl: { name: `${P}FEISHU_RELAY_URL`, help: 'SOURCE=prometheus: URL of a relay that turns Alertmanager webhooks into Feishu/Lark bot messages' },
  wecomWebhookUrlFile: { name: `${P}WECOM_WEBHOOK_URL_FILE`, help: 'SOURCE=grafana: file with the WeCom group-robot URL (default `<secrets dir>/wecom-webhook-url`)' },
  wecomRelayUrl: { name: `${P}WECOM_RELAY_URL`, help: 'SOURCE=prometheus: URL of a relay that turns Alertmanager webhooks into WeCom robot messages' },
} as const satisfies Record<string, { name: string; help: string }>;

export const DEFAULT_SECRETS_DIR = '/etc/genai-meter/secrets';
export const DEFAULT_PRODUCTION_ENVIRONMENTS = ['production', 'prod'] as const;

/** Default secret file names under the secrets directory. */
export const SECRET_FILES = {
  slack: 'slack-webhook-url',
  smtpPassword: 'smtp-password',
  pagerduty: 'pagerduty-routing-key',
  webhookToken: 'webhook-token',
  dingtalk: 'dingtalk-webhook-url',
  feishu: 'feishu-webhook-url',
  wecom: 'wecom-webhook-url',
} as const;

/** Invalid notification settings: one line per problem, each naming its variable. */
export class NotificationConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid notification settings (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'NotificationConfigError';
  }
}

export interface FromEnvOptions {
  /** Check that every secret file the settings name exists and is not empty (default true). */
  readonly checkFiles?: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

const KNOWN = new Set<string>(Object.values(NOTIFY_ENV).map((v) => v.name));
const ENV_NAME = /^[A-Za-z0-9][A-Za-z0-9_.\-]*$/;
/** Characters Alertmanager and Grafana read specially in a file reference (`$__file{}` ends at `}`). */
const PATH_UNSAFE = /[$}{"\n]/;

/** Reads and checks the notification settings; throws NotificationConfigError listing every problem. */
export function notificationSettingsFromEnv(env: Env, opts: FromEnvOptions = {}): NotificationSettings {
  const checkFiles = opts.checkFiles ?? true;
  const problems: string[] = [];
  const get = (v: { name: string }): string | undefined => {
    const raw = env[v.name]?.trim();
    return raw ? raw : undefined;
  };

  for (const name of Object.keys(env)) {
    if (!name.startsWith(P) || KNOWN.has(name) || !env[name]?.trim()) continue;
    const asFile = `${name}_FILE`;
    problems.push(
      KNOWN.has(asFile)
        ? `${name}: secrets are read from files, never from variables: put the value in a file and set ${asFile} to its path`
        : `${name}: unknown variable (known: ${[...KNOWN].join(', ')})`,
    );
  }

  const sourceRaw = get(NOTIFY_ENV.source) ?? 'prometheus';
  const source: NotifySource = sourceRaw === 'grafana' ? 'grafana' : 'prometheus';
  if (sourceRaw !== 'prometheus' && sourceRaw !== 'grafana') problems.push(`${NOTIFY_ENV.source.name}: "${sourceRaw}" is neither prometheus nor grafana`);

  const routes = Object.fromEntries(
    RECEIVER_ROUTES.map((route) => {
      const v = NOTIFY_ENV[route];
      const kinds: ReceiverKind[] = [];
      for (const item of (get(v) ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
        if (!(RECEIVER_KINDS as readonly string[]).includes(item)) {
          problems.push(`${v.name}: unknown receiver "${item}" (known: ${RECEIVER_KINDS.join(', ')})`);
        } else if (kinds.includes(item as ReceiverKind)) {
          problems.push(`${v.name}: "${item}" is listed twice`);
        } else {
          kinds.push(item as ReceiverKind);
        }
      }
      return [route, kinds];
    }),
  ) as Record<ReceiverRoute, ReceiverKind[]>;
  if (routes.staging.includes('pagerduty')) {
    problems.push(`${NOTIFY_ENV.staging.name}: pagerduty pages, and staging never pages; send staging to a chat or ticket receiver, or to nobody`);
  }
  const used = new Set(RECEIVER_ROUTES.flatMap((r) => routes[r]));
  const usedBy = (kind: ReceiverKind) => RECEIVER_ROUTES.filter((r) => routes[r].includes(kind)).map((r) => NOTIFY_ENV[r].name).join(', ');

  const productionEnvironments = (get(NOTIFY_ENV.productionEnvironments) ?? DEFAULT_PRODUCTION_ENVIRONMENTS.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const e of productionEnvironments) {
    if (!ENV_NAME.test(e)) problems.push(`${NOTIFY_ENV.productionEnvironments.name}: "${e}" is not an environment name (letters, digits, _ . -)`);
  }
  if (productionEnvironments.length === 0) problems.push(`${NOTIFY_ENV.productionEnvironments.name}: names no environment, so nothing could page`);

  const unlabelledRaw = get(NOTIFY_ENV.unlabelledEnvironment) ?? 'production';
  if (unlabelledRaw !== 'production' && unlabelledRaw !== 'staging') {
    problems.push(`${NOTIFY_ENV.unlabelledEnvironment.name}: "${unlabelledRaw}" is neither production nor staging`);
  }

  const secretsDir = get(NOTIFY_ENV.secretsDir) ?? DEFAULT_SECRETS_DIR;
  if (!isAbsolute(secretsDir)) problems.push(`${NOTIFY_ENV.secretsDir.name}: "${secretsDir}" is not an absolute path`);

  /** A secret file: from its variable or the default name, checked when asked. */
  const secretFile = (v: { name: string }, defaultName: string, why: string): string => {
    const explicit = get(v);
    const path = explicit ?? join(secretsDir, defaultName);
    const origin = explicit ? v.name : `${v.name} (unset, so ${NOTIFY_ENV.secretsDir.name}/${defaultName})`;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
      problems.push(`${v.name}: holds a URL, but it must be the path of a file that contains the secret`);
    } else if (!isAbsolute(path)) {
      problems.push(`${origin}: "${path}" is not an absolute path`);
    } else if (PATH_UNSAFE.test(path)) {
      problems.push(`${origin}: "${path}" contains one of $ { } " or a newline`);
    } else if (checkFiles) {
      const problem = fileProblem(path);
      if (problem) problems.push(`${origin}: ${path} ${problem} (${why})`);
    }
    return path;
  };
  const url = (v: { name: string }, why: string): string | undefined => {
    const value = get(v);
    if (value === undefined) {
      problems.push(`${v.name}: required (${why})`);
    } else if (!isHttpUrl(value)) {
      problems.push(`${v.name}: "${value}" is not an http(s) URL`);
    }
    return value;
  };
  const required = (v: { name: string }, why: string): string => {
    const value = get(v);
    if (value === undefined) problems.push(`${v.name}: required (${why})`);
    return value ?? '';
  };

  const heartbeatUrl = get(NOTIFY_ENV.heartbeatUrl);
  if (heartbeatUrl !== undefined && !isHttpUrl(heartbeatUrl)) problems.push(`${NOTIFY_ENV.heartbeatUrl.name}: "${heartbeatUrl}" is not an http(s) URL`);
  const heartbeatTokenFile = get(NOTIFY_ENV.heartbeatTokenFile);
  if (heartbeatTokenFile !== undefined && heartbeatUrl === undefined) {
    problems.push(`${NOTIFY_ENV.heartbeatTokenFile.name}: set without ${NOTIFY_ENV.heartbeatUrl.name}`);
  }

  const settings: { -readonly [K in keyof NotificationSettings]: NotificationSettings[K] } = {
    source,
    routes,
    productionEnvironments,
    unlabelledEnvironment: unlabelledRaw === 'staging' ? 'staging' : 'production',
  };
  if (heartbeatUrl !== undefined) {
    settings.heartbeat = {
      url: heartbeatUrl,
      ...(heartbeatTokenFile !== undefined ? { tokenFile: secretFile(NOTIFY_ENV.heartbeatTokenFile, '', 'the heartbeat bearer token') } : {}),
    };
  }
  if (used.has('slack')) {
    settings.slack = { webhookUrlFile: secretFile(NOTIFY_ENV.slackWebhookUrlFile, SECRET_FILES.slack, `slack is in ${usedBy('slack')}: the Slack incoming-webhook URL`) };
  }
  if (used.has('email')) {
    const why = `email is in ${usedBy('email')}`;
    const username = get(NOTIFY_ENV.smtpUsername);
    const tls = get(NOTIFY_ENV.smtpRequireTls) ?? 'true';
    if (tls !== 'true' && tls !== 'false') problems.push(`${NOTIFY_ENV.smtpRequireTls.name}: "${tls}" is neither true nor false`);
    // Grafana sends e-mail through its own SMTP settings: only the recipients are ours then.
    const alertmanagerSends = source === 'prometheus';
    const smarthost = alertmanagerSends ? required(NOTIFY_ENV.smtpSmarthost, why) : get(NOTIFY_ENV.smtpSmarthost);
    if (smarthost && !/^[^:\s]+:\d+$/.test(smarthost)) problems.push(`${NOTIFY_ENV.smtpSmarthost.name}: "${smarthost}" is not host:port`);
    const from = alertmanagerSends ? required(NOTIFY_ENV.emailFrom, why) : get(NOTIFY_ENV.emailFrom);
    settings.email = {
      to: required(NOTIFY_ENV.emailTo, why),
      ...(from ? { from } : {}),
      ...(smarthost ? { smarthost } : {}),
      requireTls: tls !== 'false',
      ...(username !== undefined
        ? { username, passwordFile: secretFile(NOTIFY_ENV.smtpPasswordFile, SECRET_FILES.smtpPassword, `${NOTIFY_ENV.smtpUsername.name} is set: the SMTP password`) }
        : {}),
    };
  }
  if (used.has('pagerduty')) {
    const pdUrl = get(NOTIFY_ENV.pagerdutyUrl);
    if (pdUrl !== undefined && !isHttpUrl(pdUrl)) problems.push(`${NOTIFY_ENV.pagerdutyUrl.name}: "${pdUrl}" is not an http(s) URL`);
    settings.pagerduty = {
      routingKeyFile: secretFile(NOTIFY_ENV.pagerdutyRoutingKeyFile, SECRET_FILES.pagerduty, `pagerduty is in ${usedBy('pagerduty')}: the Events API v2 routing key`),
      ...(pdUrl !== undefined ? { url: pdUrl } : {}),
    };
  }
  if (used.has('webhook')) {
    const auth = get(NOTIFY_ENV.webhookAuth) ?? 'bearer';
    if (auth !== 'bearer' && auth !== 'none') problems.push(`${NOTIFY_ENV.webhookAuth.name}: "${auth}" is neither bearer nor none`);
    settings.webhook = {
      url: url(NOTIFY_ENV.webhookUrl, `webhook is in ${usedBy('webhook')}`) ?? '',
      ...(auth !== 'none'
        ? { tokenFile: secretFile(NOTIFY_ENV.webhookTokenFile, SECRET_FILES.webhookToken, `webhook is in ${usedBy('webhook')} with ${NOTIFY_ENV.webhookAuth.name}=bearer: the bearer token`) }
        : {}),
    };
  }
  for (const kind of CHAT_KINDS) {
    if (!used.has(kind)) continue;
    const vars = { dingtalk: ['dingtalkWebhookUrlFile', 'dingtalkRelayUrl'], feishu: ['feishuWebhookUrlFile', 'feishuRelayUrl'], wecom: ['wecomWebhookUrlFile', 'wecomRelayUrl'] } as const;
    const [fileVar, relayVar] = [NOTIFY_ENV[vars[kind][0]], NOTIFY_ENV[vars[kind][1]]];
    settings[kind] =
      source === 'grafana'
        ? { webhookUrlFile: secretFile(fileVar, SECRET_FILES[kind], `${kind} is in ${usedBy(kind)}: the ${CHAT_NAMES[kind]} robot URL, which carries its token`) }
        : {
            relayUrl:
              url(
                relayVar,
                `${kind} is in ${usedBy(kind)} and ${NOTIFY_ENV.source.name}=prometheus: Alertmanager has no ${CHAT_NAMES[kind]} integration, so it posts to a relay; or set ${NOTIFY_ENV.source.name}=grafana to use Grafana's ${kind === 'feishu' ? 'webhook with a Feishu payload' : `native ${CHAT_NAMES[kind]} contact point`}`,
              ) ?? '',
          };
  }
  if (problems.length) throw new NotificationConfigError(problems);
  return settings;
}

export const CHAT_NAMES: Readonly<Record<ChatKind, string>> = { dingtalk: 'DingTalk', feishu: 'Feishu/Lark', wecom: 'WeCom' };

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

function fileProblem(path: string): string | undefined {
  try {
    const st = statSync(path);
    if (!st.isFile()) return 'is not a file';
    if (st.size === 0) return 'is empty';
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read: ${(error as Error).message}`;
  }
}
