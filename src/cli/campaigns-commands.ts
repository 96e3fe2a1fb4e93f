import type { Command } from 'commander';
import { campaignStatuses } from '../core/campaign.js';
import type { CampaignView } from '../engine/campaigns.js';
import type { CampaignReport } from '../engine/read-campaign-report.js';
import { printable } from './cli-io.js';
import type { CommandContext } from './command-context.js';
import { textTable } from './text-table.js';

const enc = encodeURIComponent;

/** The verbs of the status flow, as commands: `tandem campaigns approve SPRING-WEBINAR`. */
const MOVES = {
  approve: 'approved',
  reject: 'rejected',
  start: 'live',
  complete: 'completed',
  cancel: 'cancelled',
} as const;

/** `tandem campaigns list|show|history|approve|reject|start|complete|cancel`. */
export function campaignsCommands(root: Command, ctx: CommandContext): void {
  const campaigns = root
    .command('campaigns')
    .description('co-marketing campaigns: plans, the status flow, history');
  campaigns
    .command('list')
    .description('campaigns, by program, partner or status')
    .option('--program <id>', 'only this program (id)')
    .option('--partner <id>', 'only campaigns this partner runs')
    .option('--status <status>', `only this status (${campaignStatuses.join(', ')})`)
    .action(async (opts: { program?: string; partner?: string; status?: string }, cmd: Command) => {
      const q = new URLSearchParams({
        ...(opts.program ? { program_id: opts.program } : {}),
        ...(opts.partner ? { partner_id: opts.partner } : {}),
        ...(opts.status ? { status: opts.status } : {}),
      });
      const r = await ctx.client(cmd).get<{ data: CampaignView[] }>(`/v1/campaigns?${q}`);
      ctx.io.stdout.write(
        textTable([
          ['CODE', 'NAME', 'STATUS', 'STARTS', 'ENDS', 'PARTNERS', 'HOLDOUT'],
          ...r.body.data.map((c) =>
            [
              c.code,
              c.name,
              c.status,
              c.starts_at.slice(0, 10),
              c.ends_at.slice(0, 10),
              String(c.partners.length),
              `${c.holdout_percent}%`,
            ].map(printable),
          ),
        ]),
      );
    });
  campaigns
    .command('show')
    .description('one campaign (id or code): plan, partners, what it can move to')
    .argument('<campaign>')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const c = (await ctx.client(cmd).get<CampaignView>(`/v1/campaigns/${enc(id)}`)).body;
      const lines = [
        `${printable(c.name)} (${c.code}, ${c.id}): ${c.status}`,
        `window: ${c.starts_at} to ${c.ends_at}`,
        `channels: ${c.channels.join(', ')}; segment: ${printable(c.segment ?? '-')}`,
        `partners: ${c.partners.map((p) => `${p.partner_id} (${p.role})`).join(', ')}`,
        `holdout: ${c.holdout_percent}%; expected lift: ${c.expected_lift === null ? '-' : `${c.expected_lift} points`}; cost: ${c.cost} ${c.currency}`,
        `targets: ${printable(JSON.stringify(c.targets))}; bonuses: ${c.bonuses.map((b) => b.id).join(', ') || '-'}`,
        `next: ${c.next_statuses.join(', ') || 'none'}`,
      ];
      ctx.io.stdout.write(`${lines.join('\n')}\n`);
    });
  campaigns
    .command('history')
    .description('every status the campaign has had')
    .argument('<campaign>')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const r = await ctx
        .client(cmd)
        .get<{ data: { status: string; at: string; actor: string; note: string | null }[] }>(
          `/v1/campaigns/${enc(id)}/history`,
        );
      ctx.io.stdout.write(
        textTable([
          ['AT', 'STATUS', 'BY', 'NOTE'],
          ...r.body.data.map((h) => [h.at, h.status, h.actor, h.note ?? '-'].map(printable)),
        ]),
      );
    });
  campaigns
    .command('report')
    .description('results: targets, channels, lift with its 95% interval, cost, MDF, bonuses')
    .argument('<campaign>')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const r = (await ctx.client(cmd).get<CampaignReport>(`/v1/campaigns/${enc(id)}/report`)).body;
      const cur = r.currency;
      const t = r.plan.targets;
      const target = (x: { target: unknown; actual: unknown }) =>
        x.target === null ? `${x.actual}` : `${x.actual} of ${x.target}`;
      const lines = [
        `${printable(r.campaign.name)} (${r.campaign.code}): ${r.campaign.status}${r.window_closed ? '' : ', window still open'}`,
        `audience ${r.audience.customers}: ${r.audience.exposed} exposed, ${r.audience.holdout} held out`,
        `targets: leads ${target(t.leads)}, activations ${target(t.activations)}, revenue ${target(t.revenue)} ${cur}`,
        r.lift
          ? `lift: ${r.lift.lift_points} points (95% interval ${r.lift.interval_points.low} to ${r.lift.interval_points.high}), ${r.lift.significant ? 'significant' : 'not significant'}; ${r.lift.incremental_activations} incremental activations${r.lift.verdict ? `; expected ${r.lift.expected_points} points: ${r.lift.verdict.replace('_', ' ')}` : ''}`
          : `lift: ${r.notes.lift ?? 'not measured'}`,
        `cost: ${r.cost.total} ${cur} (campaign ${r.cost.campaign}, MDF ${r.cost.mdf_reimbursed}); bonuses posted ${r.bonuses_posted} ${cur}`,
        `cost per activation ${r.cost_per_activation ?? '-'}, per incremental activation ${r.cost_per_incremental_activation ?? '-'} ${cur}`,
      ];
      ctx.io.stdout.write(`${lines.join('\n')}\n`);
      ctx.io.stdout.write(
        textTable([
          ['CHANNEL', 'CUSTOMERS', 'SIGNUPS', 'ACTIVATIONS', 'REVENUE'],
          ...r.channels.map((c) =>
            [
              c.channel,
              String(c.customers),
              String(c.signups),
              String(c.activations),
              c.revenue,
            ].map(printable),
          ),
        ]),
      );
    });
  for (const [verb, status] of Object.entries(MOVES)) {
    campaigns
      .command(verb)
      .description(`move a campaign to ${status}`)
      .argument('<campaign>')
      .option('--note <text>', 'why (kept in its history)')
      .action(async (id: string, opts: { note?: string }, cmd: Command) => {
        const c = (
          await ctx.client(cmd).post<CampaignView>(`/v1/campaigns/${enc(id)}/status`, {
            body: { status, ...(opts.note ? { note: opts.note } : {}) },
          })
        ).body;
        ctx.io.stdout.write(
          `${c.code}: ${c.status}; next: ${c.next_statuses.join(', ') || 'none'}\n`,
        );
      });
  }
}
