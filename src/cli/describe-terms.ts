import { describeCondition } from '../core/describe-condition.js';
import { describeSchedule } from '../core/diff-payouts.js';
import type { ProgramTermsDocument } from '../core/program-terms.js';

/**
 * A validated terms document as short lines for a terminal: currency,
 * attribution, hold, caps, and each reward rule on one line, e.g.
 * `first-year-revenue  payment → 20% of revenue, for 12 months from first payment, capped at 500.00 USD per customer`.
 */
export function describeTerms(doc: ProgramTermsDocument): string[] {
  const cur = doc.currency;
  const a = doc.attribution;
  const lines = [
    `currency     ${cur}`,
    `attribution  ${a.model.replace('_', ' ')}, ${a.window_days}-day window, priority ${a.priority.join(' > ')}`,
    `hold         ${doc.hold_days} day${doc.hold_days === 1 ? '' : 's'} before earnings become available`,
  ];
  if (doc.caps?.per_partner_per_month)
    lines.push(`cap          ${doc.caps.per_partner_per_month} ${cur} per partner per month`);
  lines.push(`rules        ${doc.rewards.length}`);
  const width = Math.max(0, ...doc.rewards.map((r) => r.id.length));
  for (const r of doc.rewards) {
    const pays =
      r.flat !== undefined ? `${r.flat} ${cur}` : `${r.percent}% of ${r.of ?? 'revenue'}`;
    const parts = [`${r.event} → ${pays}`];
    if (r.when) parts.push(`when ${describeCondition(r.when)}`);
    if (r.duration) {
      const d = r.duration;
      const span =
        d.months !== undefined
          ? `${d.months} month${d.months === 1 ? '' : 's'}`
          : `${d.days} day${d.days === 1 ? '' : 's'}`;
      parts.push(`for ${span} from ${d.from.replace('_', ' ')}`);
    }
    if (r.cap_per_customer) parts.push(`capped at ${r.cap_per_customer} ${cur} per customer`);
    lines.push(`  ${r.id.padEnd(width)}  ${parts.join(', ')}`);
  }
  const p = doc.payouts;
  if (p)
    lines.push(
      `payouts      every ${p.period}, due ${describeSchedule(p.schedule)}; minimum ${p.minimum} ${cur}` +
        `${p.currency ? `, paid in ${p.currency}` : ''}${p.require_tax_info ? ', tax details required' : ''}` +
        `${p.approval === 'four_eyes' ? ', four-eyes approval' : ''}${p.auto_create ? ', runs created on schedule' : ''}`,
    );
  return lines;
}
