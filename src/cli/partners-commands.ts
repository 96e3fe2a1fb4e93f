import type { Command } from 'commander';
import { CliError, printable } from './cli-io.js';
import type { CommandContext } from './command-context.js';

interface PartnerView {
  id: string;
  name: string;
  email: string | null;
  kinds: string[];
  status: string;
  programs: string[];
}

/** `tandem partners list`. */
export function partnersCommands(root: Command, ctx: CommandContext): void {
  const partners = root.command('partners').description('look at partners');
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

function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, c.length);
    });
  }
  return rows
    .map((row) =>
      row
        .map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
    .concat('\n');
}
