// The budgets of budgets.yaml as recording rules: for every service that spent this month, the hourly,
// daily and monthly budget in force for it (the most specific entry, else the defaults), so alerts
// compare two series and a budget change never means editing a rule.
import { BUDGET_KINDS, entriesFor, type BudgetKind } from './budgets.js';
import type { MixinSettings } from './config.js';
import type { RecordingRule } from './model.js';
import { L } from './promnames.js';
import { sel } from './promql.js';
import { recordNames } from './recording.js';

export const BUDGETS_GROUP = 'genai-meter.budgets';

export function budgetRules(s: MixinSettings): RecordingRule[] {
  const n = recordNames(s);
  // Present for every service (and environment) from its first dollar of the month to the month's end.
  const presence = n.serviceCostThisMonth;
  const help: Record<BudgetKind, string> = {
    hourly: 'USD a service may spend in 60 minutes before GenAIHourlySpendHigh pages.',
    daily: 'USD a service may spend in a UTC day.',
    monthly: 'USD a service may spend in a UTC month.',
  };
  return BUDGET_KINDS.map((kind) => {
    const specific = entriesFor(s.budgets, kind).map((e) => {
      const m: Record<string, string> = {};
      if (e.service !== undefined) m[L.service] = e.service;
      if (e.environment !== undefined) m[L.environment] = e.environment;
      return `${sel(presence, m)} * 0 + ${e.amount}`;
    });
    return {
      group: BUDGETS_GROUP,
      record: n.budget[kind],
      expr: [...specific, `${presence} * 0 + ${s.budgets.defaults[kind]}`].map((e) => `(${e})`).join(' or '),
      help: `${help[kind]} From the budgets file (packages/mixin/budgets.yaml).`,
    };
  });
}
