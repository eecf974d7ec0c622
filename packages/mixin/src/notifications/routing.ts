// The notification routing tree, renderer-neutral: Alertmanager routes and Grafana notification
// policies are both rendered from it (Grafana routes with Alertmanager's own routing code, so the
// same matchers and first-match order mean the same thing in both).
import { L } from '../promnames.js';
import type { NotificationSettings, ReceiverRoute } from './env.js';

export type RouteName = ReceiverRoute | 'heartbeat';
export const ROUTE_NAMES = ['page', 'ticket', 'info', 'staging', 'heartbeat'] as const satisfies readonly RouteName[];

/** The always-firing alert whose repeated delivery tells a dead man's switch the alert path is alive. */
export const WATCHDOG_ALERT = 'GenAIMeterWatchdog';
/** A receiver without integrations: alerts routed here are held and shown, never delivered. */
export const BLACKHOLE = 'blackhole';
/** Grafana puts the rule's folder on every alert it sends, so Alertmanager can tell its copies apart. */
export const GRAFANA_FOLDER_LABEL = 'grafana_folder';

/** Notification timers of one route (Alertmanager/Grafana duration strings). */
export interface RouteTimers {
  /** How long a new group waits for more alerts before its first notification. */
  groupWait: string;
  /** How long before notifying about alerts added to a group that was already notified. */
  groupInterval: string;
  /** How long before an unchanged, still-firing group is notified again. */
  repeatInterval: string;
}

export const DEFAULT_ROUTE_TIMERS: Readonly<Record<RouteName, RouteTimers>> = {
  ticket: { groupWait: '30s', groupInterval: '5m', repeatInterval: '4h' },
  page: { groupWait: '10s', groupInterval: '5m', repeatInterval: '1h' },
  info: { groupWait: '30s', groupInterval: '5m', repeatInterval: '24h' },
  staging: { groupWait: '30s', groupInterval: '5m', repeatInterval: '12h' },
  // A repeat shorter than the group interval makes every flush (each minute) send again: the dedup step
  // skips a group notified less than repeat_interval ago, and flushes are exactly group_interval apart.
  heartbeat: { groupWait: '0s', groupInterval: '1m', repeatInterval: '50s' },
};

/** The same timers for every route, e.g. `sameTimers('1s', '1s', '1m')` for a test. */
export function sameTimers(groupWait: string, groupInterval: string, repeatInterval: string): Record<RouteName, RouteTimers> {
  const t = { groupWait, groupInterval, repeatInterval };
  return { page: t, ticket: t, info: t, staging: t, heartbeat: t };
}

const DURATION = /^(?:\d+(?:ms|s|m|h|d|w|y))+$/;

export function validateTimers(timers: Readonly<Record<RouteName, RouteTimers>>): void {
  for (const [route, t] of Object.entries(timers)) {
    for (const [k, v] of Object.entries(t)) if (!DURATION.test(v)) throw new Error(`timers.${route}.${k}: "${v}" is not an Alertmanager duration`);
    if (/^0+[a-z]+$/.test(t.groupInterval) || /^0+[a-z]+$/.test(t.repeatInterval)) throw new Error(`timers.${route}: group and repeat intervals cannot be zero`);
  }
}

export type MatchOp = '=' | '!=' | '=~' | '!~';
/** One label matcher; for `=~`/`!~` the value is a regex, anchored at both ends as Alertmanager does. */
export interface Matcher {
  readonly label: string;
  readonly op: MatchOp;
  readonly value: string;
}

export interface RouteSpec {
  readonly name: string;
  readonly receiver: RouteName | typeof BLACKHOLE;
  readonly matchers: readonly Matcher[];
  readonly timers: RouteTimers;
}

export interface RoutingTree {
  /** Receiver of alerts no child route matches. */
  readonly receiver: RouteName | typeof BLACKHOLE;
  readonly timers: RouteTimers;
  readonly groupBy: readonly string[];
  /** First match wins (no `continue`). */
  readonly routes: readonly RouteSpec[];
}

export const GROUP_BY = ['alertname', L.service, L.environment] as const;

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Matches the alerts of non-production environments (and, if so configured, those without the label). */
export function stagingMatcher(settings: NotificationSettings): Matcher {
  // An empty alternative makes an alert without the label (value "") count as production.
  const alternatives = [...settings.productionEnvironments.map(escapeRegex), ...(settings.unlabelledEnvironment === 'production' ? [''] : [])];
  return { label: L.environment, op: '!~', value: alternatives.join('|') };
}

/**
 * The routes of the copy that notifies: the watchdog to the heartbeat (or nowhere), every
 * non-production alert to `staging` whatever its severity (staging never pages), then production by
 * severity: `page`, `info`, and `ticket` for the rest.
 */
export function notifyingRoutes(settings: NotificationSettings, timers: Readonly<Record<RouteName, RouteTimers>> = DEFAULT_ROUTE_TIMERS): RoutingTree {
  validateTimers(timers);
  return {
    receiver: 'ticket',
    timers: timers.ticket,
    groupBy: GROUP_BY,
    routes: [
      { name: 'watchdog', receiver: settings.heartbeat ? 'heartbeat' : BLACKHOLE, matchers: [{ label: 'alertname', op: '=', value: WATCHDOG_ALERT }], timers: timers.heartbeat },
      { name: 'staging', receiver: 'staging', matchers: [stagingMatcher(settings)], timers: timers.staging },
      { name: 'page', receiver: 'page', matchers: [{ label: 'severity', op: '=', value: 'page' }], timers: timers.page },
      { name: 'info', receiver: 'info', matchers: [{ label: 'severity', op: '=', value: 'info' }], timers: timers.info },
    ],
  };
}

/** A child route's timers: only those that differ from the root's (a child inherits the others). */
export function timersDiff(t: RouteTimers, root: RouteTimers): Record<string, string> {
  return {
    ...(t.groupWait !== root.groupWait ? { group_wait: t.groupWait } : {}),
    ...(t.groupInterval !== root.groupInterval ? { group_interval: t.groupInterval } : {}),
    ...(t.repeatInterval !== root.repeatInterval ? { repeat_interval: t.repeatInterval } : {}),
  };
}
