import type { Command } from 'commander';
import { CliError, printable } from './cli-io.js';
import type { CommandContext } from './command-context.js';
import { textTable as table } from './text-table.js';

interface PartnerView {
  id: string;
  name: string;
  email: string | null;
  kinds: string[];
  status: string;
  programs: string[];
}

/** `tandem partners list|create`, `tandem partners link|code` (tracking for a partner). */
export function partnersCommands(root: Command, ctx: CommandContext): void {
  const partners = root
    .command('partners')
    .description('list and create partners, their links and codes');
  partners
    .command('create')
    .description('create a partner (approved unless --applied) enrolled in programs')
    .requiredOption('--name <name>', 'display name')
    .option('--email <email>', 'contact email (unique)')
    .option('--kinds <list>', 'referral, integration, co_marketing (comma-separated)', 'referral')
    .option('--program <key...>', 'programs to enroll in')
    .option('--applied', 'create as an application waiting for approval')
    .addHelpText(
      'after',
      `
Examples:
  $ tandem partners create --name "Northwind Reviews" --email team@northwind.example --program seller-referrals`,
    )
    .action(
      async (
        opts: {
          name: string;
          email?: string;
          kinds: string;
          program?: string[];
          applied?: boolean;
        },
        cmd: Command,
      ) => {
        const body = {
          name: opts.name,
          ...(opts.email ? { email: opts.email } : {}),
          kinds: opts.kinds.split(',').map((k) => k.trim()),
          ...(opts.program ? { programs: opts.program } : {}),
          status: opts.applied ? 'applied' : 'approved',
        };
        const r = await ctx.client(cmd).post<PartnerView>('/v1/partners', { body });
        ctx.io.stdout.write(`${r.body.id}  ${printable(r.body.name)}  ${r.body.status}\n`);
      },
    );
  partners
    .command('code')
    .description('give a partner a referral code or coupon code')
    .argument('<partner-id>')
    .requiredOption('--program <key>', 'the program the code attributes to')
    .option('--coupon', 'a coupon code (default: a referral code)')
    .option('--code <code>', 'the code itself (default: generated)')
    .addHelpText(
      'after',
      `
Examples:
  $ tandem partners code prt_01h… --program seller-referrals --code NORTHWIND10
  $ tandem partners code prt_01h… --program seller-referrals --coupon --code SPRING-SELLERS`,
    )
    .action(
      async (
        partnerId: string,
        opts: { program: string; coupon?: boolean; code?: string },
        cmd: Command,
      ) => {
        const body = {
          program: opts.program,
          kind: opts.coupon ? 'coupon' : 'referral_code',
          ...(opts.code ? { code: opts.code } : {}),
        };
        const r = await ctx
          .client(cmd)
          .post<{ code: string; kind: string }>(
            `/v1/partners/${encodeURIComponent(partnerId)}/codes`,
            { body },
          );
        ctx.io.stdout.write(`${printable(r.body.code)}  ${r.body.kind}\n`);
      },
    );
  partners
    .command('link')
    .description('create a tracking link for a partner')
    .argument('<partner-id>')
    .requiredOption('--program <key>', 'the program the link attributes to')
    .requiredOption('--to <url>', 'destination (http or https)')
    .option('--code <code>', 'a custom short code (default: generated)')
    .addHelpText(
      'after',
      `
Examples:
  $ tandem partners link prt_01h… --program seller-referrals --to https://marketplace.example/sell`,
    )
    .action(
      async (
        partnerId: string,
        opts: { program: string; to: string; code?: string },
        cmd: Command,
      ) => {
        const body = {
          program: opts.program,
          destination: opts.to,
          ...(opts.code ? { code: opts.code } : {}),
        };
        const r = await ctx
          .client(cmd)
          .post<{ code: string; destination: string }>(
            `/v1/partners/${encodeURIComponent(partnerId)}/links`,
            { body },
          );
        ctx.io.stdout.write(`/r/${printable(r.body.code)}  →  ${printable(r.body.destination)}\n`);
      },
    );
  partners
    .command('list')
    .description('list partners, newest last')
    .option('--status <status>', 'only this status: applied, approved, rejected, suspended, banned')
    .option('--search <text>', 'match name or email')
    .option('--limit <n>', 'at most this many (1–500)', '100')
    .option('--after <id>', 'continue after this partner id (from the previous page)')
    .option('--json', 'print the API answer as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ tandem partners list
  $ tandem partners list --status applied
  $ tandem partners list --search northwind --json`,
    )
    .action(
      async (
        opts: { status?: string; search?: string; limit: string; after?: string; json?: boolean },
        cmd: Command,
      ) => {
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 500)
          throw new CliError('--limit must be a whole number from 1 to 500');
        const query = new URLSearchParams({ limit: String(limit) });
        if (opts.status) query.set('status', opts.status);
        if (opts.search) query.set('q', opts.search);
        if (opts.after) query.set('after', opts.after);
        const r = await ctx
          .client(cmd)
          .get<{ data: PartnerView[]; next_cursor: string | null }>(`/v1/partners?${query}`);
        const { data, next_cursor } = r.body;
        if (opts.json) {
          ctx.io.stdout.write(`${JSON.stringify(r.body, null, 2)}\n`);
          return;
        }
        if (!data.length) {
          ctx.io.stdout.write('no partners\n');
          return;
        }
        const rows = [
          ['ID', 'STATUS', 'KINDS', 'NAME', 'EMAIL', 'PROGRAMS'],
          ...data.map((p) =>
            [p.id, p.status, p.kinds.join(','), p.name, p.email ?? '', p.programs.join(',')].map(
              printable,
            ),
          ),
        ];
        ctx.io.stdout.write(table(rows));
        if (next_cursor) ctx.io.stdout.write(`more: tandem partners list --after ${next_cursor}\n`);
      },
    );
}
