import type { Currency } from '../core/currency.js';
import { approvedAt, tierKey } from '../core/derive-customer.js';
import { activeInstalls, deriveUsageMonth, monthBounds } from '../core/derive-integration.js';
import { formatAmount } from '../core/money.js';
import { addMonths, monthKey, toIso } from '../core/time.js';
import { toBigInt } from '../store/values.js';
import type { Deps } from './deps.js';
import { factsOf, findIntegration, loadCategories, loadCompletions } from './integrations.js';
import { loadStatusHistory, loadTierHistory } from './load-histories.js';
import { loadPrograms } from './load-programs.js';
import { loadUsage } from './load-usage.js';

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
  const out = [];
  const first = await db
    .selectFrom('events')
    .select((eb) => eb.fn.min('occurred_at').as('first'))
    .where('integration_id', '=', row.id)
    .where('type', '=', 'usage')
    .executeTakeFirst();
  const firstUsageAt = first?.first == null ? undefined : Number(first.first);
  for (let i = 0; i < months; i++) {
    const month = monthKey(addMonths(current, -i));
    const { start, end } = monthBounds(month);
    const usage = await loadUsage(db, row.id, start, end);
    const metrics: Record<string, string> = {};
    const revenue: Record<string, string> = {};
    for (const u of usage) {
      metrics[u.metric] = ((BigInt(metrics[u.metric] ?? '0') as bigint) + u.quantity).toString();
      if (u.revenue !== undefined && u.currency)
        revenue[u.currency] = (BigInt(revenue[u.currency] ?? '0') + u.revenue).toString();
    }
    const closed = now >= end;
    const posted = await db
      .selectFrom('accrual_lines')
      .select(['rule_id', 'currency'])
      .select((eb) => eb.fn.sum('amount').as('amount'))
      .where('unit', '=', `iu:${row.id}:${month}`)
      .groupBy(['rule_id', 'currency'])
      .orderBy('rule_id')
      .execute();
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
    out.push({
      month,
      closed,
      active_installs: activeInstalls(usage),
      events: usage.length,
      units: metrics,
      revenue: Object.fromEntries(
        Object.entries(revenue).map(([c, v]) => [c, formatAmount(BigInt(v), c as Currency)]),
      ),
      rewards: closed
        ? posted.map((p) => ({
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
    });
  }
  return { integration_id: row.id, as_of: toIso(now), months: out };
}
