import type { Currency } from '../core/currency.js';
import { approvedAt, tierKey } from '../core/derive-customer.js';
import {
  activeInstalls,
  deriveUsageMonth,
  monthBounds,
  type UsageRecord,
  usageMonthUnit,
} from '../core/derive-integration.js';
import { formatAmount } from '../core/money.js';
import { addMonths, monthKey, toIso } from '../core/time.js';
import { toBigInt } from '../store/values.js';
import type { Deps } from './deps.js';
import { factsOf, findIntegration, loadCategories, loadCompletions } from './integrations.js';
import { loadStatusHistory, loadTierHistory } from './load-histories.js';
import { loadPrograms } from './load-programs.js';
import { firstUsage, loadUsage } from './load-usage.js';

/**
 * An integration's usage month by month, newest first: active installs,
 * units per metric, paid-install revenue, the rewards the ledger holds for
 * each closed month (by rule, adjustments included) and, for the month still
 * running, what it would earn if it ended now (an estimate, not posted).
 */
export async function readIntegrationUsage(deps: Deps, integrationId: string, months: number) {
  const db = deps.store.db;
  const row = await findIntegration(db, integrationId);
  const now = deps.clock.now();
  const programs = await loadPrograms(db);
  const versions = programs.find((p) => p.id === row.program_id)?.versions ?? [];
  const completions = (await loadCompletions(db, [row.id])).get(row.id) ?? [];
  const categories = (await loadCategories(db, [row.id])).get(row.id);
  const status = await loadStatusHistory(db, [row.partner_id]);
  const tiers = await loadTierHistory(db, { partnerIds: [row.partner_id] });
  const current = monthBounds(monthKey(now)).start;
  const firstUsageAt = await firstUsage(db, row.id);
  const list = Array.from({ length: months }, (_, i) => monthKey(addMonths(current, -i)));
  // One read of the usage and one of the rewards for all the months asked, bucketed here.
  const oldest = monthBounds(list.at(-1) as string).start;
  const byMonth = new Map<string, UsageRecord[]>();
  for (const u of await loadUsage(db, row.id, oldest, monthBounds(list[0] as string).end)) {
    const m = monthKey(u.occurredAt);
    const bucket = byMonth.get(m);
    if (bucket) bucket.push(u);
    else byMonth.set(m, [u]);
  }
  const posted = await db
    .selectFrom('accrual_lines')
    .select(['unit', 'rule_id', 'currency'])
    .select((eb) => eb.fn.sum('amount').as('amount'))
    .where(
      'unit',
      'in',
      list.map((m) => usageMonthUnit(row.id, m)),
    )
    .groupBy(['unit', 'rule_id', 'currency'])
    .orderBy('rule_id')
    .execute();
  const out = list.map((month) => {
    const { end } = monthBounds(month);
    const usage = byMonth.get(month) ?? [];
    const units = new Map<string, bigint>();
    const revenue = new Map<string, bigint>();
    for (const u of usage) {
      units.set(u.metric, (units.get(u.metric) ?? 0n) + u.quantity);
      if (u.revenue !== undefined && u.currency)
        revenue.set(u.currency, (revenue.get(u.currency) ?? 0n) + u.revenue);
    }
    const closed = now >= end;
    const estimate = closed
      ? []
      : deriveUsageMonth({
          integration: factsOf(row),
          month,
          versions,
          usage,
          completions,
          firstUsageAt,
          approved: (partnerId, t) => approvedAt(status, partnerId, t),
          categories,
          tiers: tiers.get(tierKey(row.program_id, row.partner_id)),
        });
    return {
      month,
      closed,
      active_installs: activeInstalls(usage),
      events: usage.length,
      units: Object.fromEntries([...units].map(([m, q]) => [m, q.toString()])),
      revenue: Object.fromEntries(
        [...revenue].map(([c, v]) => [c, formatAmount(v, c as Currency)]),
      ),
      rewards: closed
        ? posted
            .filter((p) => p.unit === usageMonthUnit(row.id, month))
            .map((p) => ({
              rule_id: p.rule_id,
              amount: formatAmount(toBigInt(p.amount), p.currency as Currency),
              currency: p.currency,
            }))
        : [],
      estimate: estimate.map((a) => ({
        rule_id: a.ruleId,
        amount: formatAmount(a.amount, a.currency),
        currency: a.currency,
        steps: a.trace.steps,
      })),
      valued_at: closed ? toIso(end) : null,
    };
  });
  return { integration_id: row.id, as_of: toIso(now), months: out };
}
