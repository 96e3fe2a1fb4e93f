import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import type { CreditBalance, RedemptionView } from '../engine/credits.js';
import type { SubmissionView } from '../engine/integration-reviews.js';
import type { IntegrationDetail, IntegrationView } from '../engine/integrations.js';
import { printable } from './cli-io.js';
import type { CommandContext } from './command-context.js';
import { textTable } from './text-table.js';

const enc = encodeURIComponent;

/** `tandem integrations list|show|queue|approve|reject`, and `tandem credits show|redeem`. */
export function integrationsCommands(root: Command, ctx: CommandContext): void {
  const integrations = root
    .command('integrations')
    .description("partners' integrations: milestones, reviews, certification");
  integrations
    .command('list')
    .description('integrations, of one partner or program')
    .option('--partner <id>', 'only this partner')
    .option('--program <id>', 'only this program (id)')
    .action(async (opts: { partner?: string; program?: string }, cmd: Command) => {
      const q = new URLSearchParams({
        ...(opts.partner ? { partner_id: opts.partner } : {}),
        ...(opts.program ? { program_id: opts.program } : {}),
      });
      const r = await ctx.client(cmd).get<{ data: IntegrationView[] }>(`/v1/integrations?${q}`);
      ctx.io.stdout.write(
        textTable([
          ['ID', 'PARTNER', 'NAME', 'CATEGORY', 'STATUS'],
          ...r.body.data.map((i) =>
            [i.id, i.partner_id, i.name, i.category ?? '-', i.status].map(printable),
          ),
        ]),
      );
    });
  integrations
    .command('show')
    .description('milestone checklist and certification of one integration')
    .argument('<integration-id>')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const d = (await ctx.client(cmd).get<IntegrationDetail>(`/v1/integrations/${enc(id)}`)).body;
      const c = d.certification;
      ctx.io.stdout.write(`${printable(d.name)} (${d.id}) of ${d.partner_id}, ${d.status}\n`);
      ctx.io.stdout.write(
        textTable([
          ['MILESTONE', 'STATUS', 'COMPLETED', 'BY'],
          ...d.milestones.map((m) =>
            [m.id, m.status, m.completed_at?.slice(0, 10) ?? '-', m.source ?? '-'].map(printable),
          ),
        ]),
      );
      ctx.io.stdout.write(
        c.level
          ? `certification: ${printable(c.name ?? c.level)}${c.expires_at ? ` until ${c.expires_at.slice(0, 10)}` : ''}; entitlements: ${c.entitlements.join(', ') || '-'}\n`
          : 'certification: none\n',
      );
      for (const l of c.levels.filter((x) => !x.held && x.missing.length))
        ctx.io.stdout.write(`  ${printable(l.name)} needs: ${printable(l.missing.join('; '))}\n`);
      if (d.pending_submissions)
        ctx.io.stdout.write(`${d.pending_submissions} submission(s) awaiting review\n`);
    });
  integrations
    .command('queue')
    .description('submissions awaiting review, oldest first')
    .action(async (_opts: unknown, cmd: Command) => {
      const r = await ctx
        .client(cmd)
        .get<{ data: SubmissionView[] }>('/v1/integration-submissions?status=pending');
      ctx.io.stdout.write(
        textTable([
          ['SUBMISSION', 'INTEGRATION', 'MILESTONE', 'SUBMITTED', 'EVIDENCE'],
          ...r.body.data.map((s) =>
            [
              s.id,
              s.integration_id,
              s.milestone,
              s.submitted_at.slice(0, 16),
              [...(s.evidence.links ?? []), s.evidence.test_run_id ?? '', s.evidence.notes ?? '']
                .filter(Boolean)
                .join(' '),
            ].map(printable),
          ),
        ]),
      );
    });
  for (const decision of ['approve', 'reject'] as const) {
    integrations
      .command(decision)
      .description(
        decision === 'approve'
          ? 'approve a submission: the milestone completes now'
          : 'reject a submission with a comment for the partner',
      )
      .argument('<submission-id>')
      .option('--comment <text>', decision === 'reject' ? 'why (required)' : 'a note')
      .action(async (id: string, opts: { comment?: string }, cmd: Command) => {
        const r = await ctx
          .client(cmd)
          .post<SubmissionView>(`/v1/integration-submissions/${enc(id)}/${decision}`, {
            body: opts.comment ? { comment: opts.comment } : {},
          });
        ctx.io.stdout.write(`${r.body.id}: ${r.body.status} (${r.body.milestone})\n`);
      });
  }

  const credits = root.command('credits').description('support credits: balances and redemptions');
  credits
    .command('show')
    .description("a partner's credit balances")
    .argument('<partner-id>')
    .action(async (partnerId: string, _opts: unknown, cmd: Command) => {
      const r = await ctx
        .client(cmd)
        .get<{ data: CreditBalance[] }>(`/v1/partners/${enc(partnerId)}/credits`);
      ctx.io.stdout.write(
        textTable([
          ['PROGRAM', 'ASSET', 'GRANTED', 'REDEEMED', 'BALANCE'],
          ...r.body.data.map((c) =>
            [c.program_id, c.asset, c.granted, c.redeemed, c.balance].map(printable),
          ),
        ]),
      );
    });
  credits
    .command('redeem')
    .description("spend a partner's credits (checked atomically; never more than held)")
    .argument('<partner-id>')
    .requiredOption('--asset <ASSET>', 'the credit asset, e.g. SUPPORT_CREDIT')
    .requiredOption('--amount <n>', 'whole units')
    .option('--program <id>', 'the program (when the partner holds the asset in several)')
    .option('--reference <ref>', 'your reference (ticket, order)')
    .option(
      '--idempotency-key <key>',
      'running it again with the same key spends nothing twice (default: a new key)',
    )
    .action(
      async (
        partnerId: string,
        opts: {
          asset: string;
          amount: string;
          program?: string;
          reference?: string;
          idempotencyKey?: string;
        },
        cmd: Command,
      ) => {
        const r = await ctx
          .client(cmd)
          .post<RedemptionView>(`/v1/partners/${enc(partnerId)}/credits/redemptions`, {
            body: {
              asset: opts.asset,
              amount: opts.amount,
              ...(opts.program ? { program_id: opts.program } : {}),
              ...(opts.reference ? { reference: opts.reference } : {}),
            },
            // Always a key: the client's own retries then never spend twice.
            idempotencyKey: opts.idempotencyKey ?? `cli-${randomUUID()}`,
          });
        ctx.io.stdout.write(
          `${r.body.id}: ${r.body.amount} ${r.body.asset} redeemed, ${r.body.balance_after} left\n`,
        );
      },
    );
}
