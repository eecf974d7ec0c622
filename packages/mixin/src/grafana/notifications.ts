// Grafana contact points and notification policies (grafana/provisioning/alerting/*). With
// `source: prometheus` (default) Grafana hands its copies to Alertmanager, which holds them back (they
// carry `grafana_folder`): one notification per alert. With `source: grafana` Grafana delivers through
// its own integrations (natively DingTalk and WeCom; Feishu through a webhook with a Feishu payload)
// on the same routing tree, and Alertmanager delivers nothing. Secrets are `$__file{}` references
// that Grafana reads when it loads the file; non-secret values are written as they are.
import type { NotificationSettings, ReceiverKind } from '../notifications/env.js';
import { BLACKHOLE, DEFAULT_ROUTE_TIMERS, notifyingRoutes, timersDiff, type Matcher, type RouteName, type RouteTimers } from '../notifications/routing.js';
import { PAGERDUTY_SEVERITY, TEXT, TITLE } from '../notifications/messages.js';
import { env, file, PROVISIONING_ENV } from './refs.js';

/** The contact point that hands alerts to Alertmanager; with `source: grafana` Alertmanager holds them. */
export const ALERTMANAGER_CONTACT_POINT = 'genai-meter';
export const contactPointName = (route: RouteName): string => `genai-meter-${route}`;

/** Grafana 12.1 integration type of each receiver (Feishu has none: a webhook with its payload). */
export const GRAFANA_TYPES: Readonly<Record<ReceiverKind | 'heartbeat', string>> = {
  slack: 'slack',
  email: 'email',
  pagerduty: 'pagerduty',
  webhook: 'webhook',
  dingtalk: 'dingding',
  wecom: 'wecom',
  feishu: 'webhook',
  heartbeat: 'webhook',
};

/** A Feishu/Lark custom-bot text message (`msg_type: text`), JSON-encoded by Grafana's template functions. */
export const FEISHU_PAYLOAD = `{{ coll.Dict "msg_type" "text" "content" (coll.Dict "text" (tmpl.Exec "default.message" .)) | data.ToJSON }}`;

export interface GrafanaIntegration {
  uid: string;
  type: string;
  settings: Record<string, unknown>;
  disableResolveMessage: boolean;
}

function integration(route: RouteName, kind: ReceiverKind, s: NotificationSettings): GrafanaIntegration {
  return { uid: `genai-meter-${route}-${kind}`, type: GRAFANA_TYPES[kind], settings: integrationSettings(kind, s), disableResolveMessage: false };
}

function integrationSettings(kind: ReceiverKind, s: NotificationSettings): Record<string, unknown> {
  switch (kind) {
    case 'slack':
      return { url: file(s.slack!.webhookUrlFile), title: TITLE, text: TEXT };
    case 'email':
      // The SMTP server is Grafana's own ([smtp] in grafana.ini / GF_SMTP_*), not the contact point's.
      return { addresses: s.email!.to, singleEmail: true, subject: TITLE };
    case 'pagerduty':
      return { integrationKey: file(s.pagerduty!.routingKeyFile), severity: PAGERDUTY_SEVERITY, ...(s.pagerduty!.url ? { url: s.pagerduty!.url } : {}) };
    case 'webhook':
      return { url: s.webhook!.url, httpMethod: 'POST', ...bearer(s.webhook!.tokenFile) };
    case 'dingtalk':
      return { url: file(s.dingtalk!.webhookUrlFile!), title: TITLE };
    case 'wecom':
      return { url: file(s.wecom!.webhookUrlFile!), title: TITLE };
    case 'feishu':
      return { url: file(s.feishu!.webhookUrlFile!), httpMethod: 'POST', payload: { template: FEISHU_PAYLOAD } };
  }
}

const bearer = (tokenFile: string | undefined) => (tokenFile ? { authorization_scheme: 'Bearer', authorization_credentials: file(tokenFile) } : {});

/** Contact points: the Alertmanager hand-off always; the route contact points when Grafana notifies. */
export function contactPointProvisioning(s: NotificationSettings): Record<string, unknown> {
  const points: { orgId: number; name: string; receivers: GrafanaIntegration[] }[] = [
    {
      orgId: 1,
      name: ALERTMANAGER_CONTACT_POINT,
      receivers: [
        {
          uid: 'genai-meter-alertmanager',
          type: 'prometheus-alertmanager',
          settings: { url: env(PROVISIONING_ENV.alertmanagerUrl) },
          disableResolveMessage: false,
        },
      ],
    },
  ];
  if (s.source === 'grafana') {
    for (const route of ['page', 'ticket', 'info', 'staging'] as const) {
      if (s.routes[route].length) points.push({ orgId: 1, name: contactPointName(route), receivers: s.routes[route].map((k) => integration(route, k, s)) });
    }
    if (s.heartbeat) {
      points.push({
        orgId: 1,
        name: contactPointName('heartbeat'),
        receivers: [
          {
            uid: 'genai-meter-heartbeat-webhook',
            type: GRAFANA_TYPES.heartbeat,
            settings: {
              url: s.heartbeat.url,
              httpMethod: 'POST',
              maxAlerts: 1,
              ...bearer(s.heartbeat.tokenFile),
            },
            // A dead man's switch counts any request as a sign of life.
            disableResolveMessage: true,
          },
        ],
      });
    }
  }
  return { apiVersion: 1, contactPoints: points };
}

export const grafanaObjectMatcher = (m: Matcher): [string, string, string] => [m.label, m.op, m.value];

/**
 * The notification policy tree. Grafana notifies: the routing tree of the notifying copy, each route to
 * its contact point, or to the Alertmanager hand-off (which holds it) when the route has no receiver
 * (a contact point without integrations cannot be provisioned). Prometheus notifies: everything to
 * the hand-off.
 */
export function policyProvisioning(s: NotificationSettings, timers: Readonly<Record<RouteName, RouteTimers>> = DEFAULT_ROUTE_TIMERS): Record<string, unknown> {
  const tree = notifyingRoutes(s, timers);
  const root = tree.timers;
  const target = (r: RouteName | typeof BLACKHOLE): string => {
    if (s.source !== 'grafana' || r === BLACKHOLE) return ALERTMANAGER_CONTACT_POINT;
    if (r === 'heartbeat') return s.heartbeat ? contactPointName(r) : ALERTMANAGER_CONTACT_POINT;
    return s.routes[r].length ? contactPointName(r) : ALERTMANAGER_CONTACT_POINT;
  };
  return {
    apiVersion: 1,
    policies: [
      {
        orgId: 1,
        receiver: target(tree.receiver),
        group_by: [...tree.groupBy],
        group_wait: root.groupWait,
        group_interval: root.groupInterval,
        repeat_interval: root.repeatInterval,
        ...(s.source === 'grafana'
          ? { routes: tree.routes.map((r) => ({ receiver: target(r.receiver), object_matchers: r.matchers.map(grafanaObjectMatcher), ...timersDiff(r.timers, root) })) }
          : {}),
      },
    ],
  };
}
