import type { Command } from 'commander';
import type { MdfPoolView } from '../engine/mdf-pools.js';
import type { MdfRequestView } from '../engine/mdf-requests.js';
import { printable } from './cli-io.js';
import type { CommandContext } from './command-context.js';
import { textTable } from './text-table.js';

const enc = encodeURIComponent;

/** `tandem mdf pools|requests|approve|reject|reimburse|refuse-claim`: market development funds. */
export function mdfCommands(root: Command, ctx: CommandContext): void {
  const mdf = root
    .command('mdf')
    .description('market development funds: pools, requests, decisions, reimbursements');
  mdf
    .command('pools')
    .description('fund pools with what they have committed and left')
    .option('--program <id>', 'only this program (id)')
    .option('--quarter <YYYY-Qn>', 'only this quarter')
    .action(async (opts: { program?: string; quarter?: string }, cmd: Command) => {
      const q = new URLSearchParams({
        ...(opts.program ? { program_id: opts.program } : {}),
        ...(opts.quarter ? { quarter: opts.quarter } : {}),
      });
      const r = await ctx.client(cmd).get<{ data: MdfPoolView[] }>(`/v1/mdf/pools?${q}`);
      ctx.io.stdout.write(
        textTable([
          ['ID', 'QUARTER', 'SCOPE', 'AMOUNT', 'COMMITTED', 'REIMBURSED', 'REMAINING', 'CUR'],
          ...r.body.data.map((p) =>
            [
              p.id,
              p.quarter,
              p.scope === 'program' ? 'program' : `${p.scope} ${p.tier_id ?? p.partner_id}`,
              p.amount,
              p.committed,
              p.reimbursed,
              p.remaining,
              p.currency,
            ].map(printable),
          ),
        ]),
      );
    });
  mdf
    .command('requests')
    .description('fund requests (the queue: --status requested or claimed)')
    .option('--status <status>', 'requested, approved, claimed, reimbursed, …')
    .option('--campaign <id>', 'only this campaign')
    .action(async (opts: { status?: string; campaign?: string }, cmd: Command) => {
      const q = new URLSearchParams({
        ...(opts.status ? { status: opts.status } : {}),
        ...(opts.campaign ? { campaign_id: opts.campaign } : {}),
      });
      const r = await ctx.client(cmd).get<{ data: MdfRequestView[] }>(`/v1/mdf/requests?${q}`);
      ctx.io.stdout.write(
        textTable([
          ['ID', 'PARTNER', 'CAMPAIGN', 'STATUS', 'REQUESTED', 'APPROVED', 'CLAIMED', 'REIMBURSED'],
          ...r.body.data.map((x) =>
            [
              x.id,
              x.partner_id,
              x.campaign_id,
              x.status,
              x.requested,
              x.approved ?? '-',
              x.claimed ?? '-',
              x.reimbursed ?? '-',
            ].map(printable),
          ),
        ]),
      );
    });
  const decide = (
    verb: string,
    path: string,
    description: string,
    body: (opts: { amount?: string; note?: string }) => Record<string, unknown>,
  ) =>
    mdf
      .command(verb)
      .description(description)
      .argument('<request-id>')
      .option(
        '--amount <amount>',
        'an amount (approve: at most the request; reimburse: at most the claim)',
      )
      .option('--note <text>', 'the reason the partner reads')
      .action(async (id: string, opts: { amount?: string; note?: string }, cmd: Command) => {
        const x = (
          await ctx.client(cmd).post<MdfRequestView>(`/v1/mdf/requests/${enc(id)}/${path}`, {
            body: body(opts),
          })
        ).body;
        const amount = x.reimbursed ?? x.approved;
        ctx.io.stdout.write(
          `${x.id}: ${x.status}${amount && x.status !== 'rejected' && x.status !== 'claim_rejected' ? ` ${amount} ${x.currency}` : ''}\n`,
        );
      });
  const amountAndNote = (o: { amount?: string; note?: string }) => ({
    ...(o.amount ? { amount: o.amount } : {}),
    ...(o.note ? { note: o.note } : {}),
  });
  const noteOnly = (o: { note?: string }) => ({ note: o.note ?? '' });
  decide('approve', 'approve', 'approve a request, fully or partly (--amount)', amountAndNote);
  decide('reject', 'reject', 'reject a request (--note required)', noteOnly);
  decide(
    'reimburse',
    'claim/approve',
    'accept a claim: post the reimbursement once',
    amountAndNote,
  );
  decide('refuse-claim', 'claim/reject', 'reject a claim (--note required)', noteOnly);
}
