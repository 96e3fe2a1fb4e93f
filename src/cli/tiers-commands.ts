import type { Command } from 'commander';
import type { TierChange } from '../engine/evaluate-tiers.js';
import type { BudgetView } from '../engine/read-budget.js';
import type { PartnerTierView } from '../engine/read-tiers.js';
import { printable } from './cli-io.js';
import type { CommandContext } from './command-context.js';
import { textTable } from './text-table.js';

/** `tandem tiers evaluate|show`, and `tandem budget`. */
export function tiersCommands(root: Command, ctx: CommandContext): void {
  const tiers = root.command('tiers').description('evaluate and inspect partner tiers');
  tiers
    .command('evaluate')
    .description('re-evaluate tiers now (the worker also does it on a schedule)')
    .requiredOption('--program <key>', 'program id or key')
    .option('--partner <id>', 'only this partner')
    .action(async (opts: { program: string; partner?: string }, cmd: Command) => {
      const r = await ctx
        .client(cmd)
        .post<{ evaluated: number; changes: TierChange[] }>(
          `/v1/programs/${encodeURIComponent(opts.program)}/tiers/evaluate`,
          { body: opts.partner ? { partner_id: opts.partner } : {} },
        );
      const { evaluated, changes } = r.body;
      ctx.io.stdout.write(`${evaluated} partners evaluated, ${changes.length} changes\n`);
      if (changes.length)
        ctx.io.stdout.write(
          textTable([
            ['PARTNER', 'FROM', 'TO', 'REASON'],
            ...changes.map((c) =>
              [c.partner_id, c.from ?? '-', c.to ?? '-', c.reason].map(printable),
            ),
          ]),
        );
    });
  tiers
    .command('show')
    .description("a partner's tiers, benefits and progress to the next tier")
    .argument('<partner-id>')
    .action(async (partnerId: string, _opts: unknown, cmd: Command) => {
      const r = await ctx
        .client(cmd)
        .get<{ data: PartnerTierView[] }>(`/v1/partners/${encodeURIComponent(partnerId)}/tiers`);
      if (!r.body.data.length) {
        ctx.io.stdout.write('no tiers: the partner is in no program with tiers\n');
        return;
      }
      for (const p of r.body.data) {
        const held = p.tier ? `${p.tier.name} since ${p.tier.since.slice(0, 10)}` : 'no tier';
        ctx.io.stdout.write(`${printable(p.program_key)}: ${printable(held)}\n`);
        if (p.grace)
          ctx.io.stdout.write(
            `  below its tier since ${p.grace.below_since.slice(0, 10)}; demoted on ${p.grace.demotion_due_at.slice(0, 10)} unless it recovers\n`,
          );
        if (p.benefits.length)
          ctx.io.stdout.write(
            `  benefits: ${p.benefits.map((b) => printable(b.name)).join(', ')}\n`,
          );
        if (p.next_tier) {
          ctx.io.stdout.write(`  next: ${printable(p.next_tier.name)}\n`);
          ctx.io.stdout.write(
            textTable(
              p.next_tier.requires.map((q) => [
                `    ${q.metric} (${q.window_days} days)`,
                `${q.current} of ${q.at_least}`,
                `${q.progress_percent}%`,
              ]),
            ),
          );
        }
      }
    });

  root
    .command('budget')
    .description("a program's budget for a month: spent, committed, forecast, share of revenue")
    .requiredOption('--program <key>', 'program id or key')
    .option('--month <yyyy-mm>', 'the month (default: this month, UTC)')
    .option('--json', 'print the API answer as JSON')
    .action(async (opts: { program: string; month?: string; json?: boolean }, cmd: Command) => {
      const q = opts.month ? `?month=${encodeURIComponent(opts.month)}` : '';
      const r = await ctx
        .client(cmd)
        .get<BudgetView>(`/v1/programs/${encodeURIComponent(opts.program)}/budget${q}`);
      const b = r.body;
      if (opts.json) {
        ctx.io.stdout.write(`${JSON.stringify(b, null, 2)}\n`);
        return;
      }
      const rows = [
        ['month', b.month],
        ['budget', b.budget ? `${b.budget} ${b.currency} (${b.policy})` : 'none'],
        ['spent', b.spent],
        ['committed', b.committed],
        ['remaining', b.remaining ?? '-'],
        ['forecast', b.forecast],
        ['attributed revenue', b.attributed_revenue],
        ['cost / revenue', b.cost_share_percent === null ? '-' : `${b.cost_share_percent}%`],
      ];
      if (b.margin_guard)
        rows.push([
          'margin guard',
          `max ${b.margin_guard.max_percent}%, ${b.margin_guard.used_percent_of_ceiling ?? '-'}% used`,
        ]);
      for (const a of b.alerts) rows.push(['alert', `${a.type} at ${a.threshold_percent}%`]);
      ctx.io.stdout.write(textTable(rows.map((r) => r.map(printable))));
    });
}
