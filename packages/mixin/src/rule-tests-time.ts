// The UTC day and month a spend step belongs to, as the rules compute them (spend.ts): the step that
// ends at time t covers (t - interval, t], so it belongs to the period of its last instant, t - 1 ms.
export const SECONDS_PER_DAY = 86400;

export const utcDayNumber = (t: number): number => Math.ceil(t / SECONDS_PER_DAY) - 1;

export function utcMonthNumber(t: number): number {
  const d = new Date(t * 1000 - 1);
  return d.getUTCFullYear() * 12 + d.getUTCMonth() + 1;
}
