// Budgets per service and environment: data users edit (packages/mixin/budgets.yaml), validated here
// and turned into recording rules that give every service the budget in force for it, so alerts
// compare spend with a series and nobody edits a rule by hand.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';

export const BUDGET_KINDS = ['hourly', 'daily', 'monthly'] as const;
export type BudgetKind = (typeof BUDGET_KINDS)[number];

const amount = z.number().finite().positive();
const budgetsSchema = z
  .object({
    defaults: z.object({ hourly: amount, daily: amount, monthly: amount }).strict(),
    budgets: z
      .array(
        z
          .object({
            service: z.string().min(1).optional(),
            environment: z.string().min(1).optional(),
            hourly: amount.optional(),
            daily: amount.optional(),
            monthly: amount.optional(),
          })
          .strict()
          .refine((e) => e.service !== undefined || e.environment !== undefined, 'an entry needs a service, an environment, or both')
          .refine((e) => BUDGET_KINDS.some((k) => e[k] !== undefined), 'an entry needs at least one of hourly, daily, monthly'),
      )
      .nullish()
      .transform((v) => v ?? []),
  })
  .strict();

export type Budgets = z.infer<typeof budgetsSchema> & { readonly source: string };
export type BudgetEntry = Budgets['budgets'][number];

/** The budgets file next to the package's src/ and dist/. */
export const DEFAULT_BUDGETS_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', 'budgets.yaml');

export class BudgetsFileError extends Error {
  constructor(
    readonly path: string,
    readonly problems: readonly string[],
  ) {
    super(`invalid budgets file ${path}:\n- ${problems.join('\n- ')}`);
    this.name = 'BudgetsFileError';
  }
}

/** Parses and validates a budgets document; every problem is reported at once, with its path. */
export function parseBudgets(text: string, source: string): Budgets {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new BudgetsFileError(source, [`not YAML: ${(e as Error).message}`]);
  }
  const r = budgetsSchema.safeParse(doc);
  if (!r.success) throw new BudgetsFileError(source, r.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`));
  const seen = new Set<string>();
  const duplicates: string[] = [];
  r.data.budgets.forEach((e, i) => {
    const key = JSON.stringify([e.service ?? null, e.environment ?? null]);
    if (seen.has(key)) duplicates.push(`budgets.${i}: a second entry for service ${e.service ?? '(any)'} in environment ${e.environment ?? '(any)'}`);
    seen.add(key);
  });
  if (duplicates.length) throw new BudgetsFileError(source, duplicates);
  return { ...r.data, source };
}

export function loadBudgets(path: string = DEFAULT_BUDGETS_PATH): Budgets {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new BudgetsFileError(path, [`cannot read it: ${(e as Error).message}`]);
  }
  return parseBudgets(text, path);
}

/** Entries that set `kind`, most specific first (service and environment, then service, then environment). */
export function entriesFor(budgets: Budgets, kind: BudgetKind): (BudgetEntry & { readonly amount: number })[] {
  const rank = (e: BudgetEntry) => (e.service !== undefined ? 0 : 2) + (e.environment !== undefined ? 0 : 1);
  return budgets.budgets
    .filter((e) => e[kind] !== undefined)
    .map((e) => ({ ...e, amount: e[kind]! }))
    .sort((a, b) => rank(a) - rank(b));
}

/** The budget in force for one service and environment, as the generated rules resolve it. */
export function budgetFor(budgets: Budgets, kind: BudgetKind, service: string, environment: string | undefined): number {
  const hit = entriesFor(budgets, kind).find((e) => (e.service === undefined || e.service === service) && (e.environment === undefined || e.environment === environment));
  return hit ? hit.amount : budgets.defaults[kind];
}
