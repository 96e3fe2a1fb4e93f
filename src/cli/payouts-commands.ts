import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { ImportRowReport } from '../engine/import-payout-results.js';
import type { PayoutView } from '../engine/payout-records.js';
import type { PayoutRunView } from '../engine/read-payout-runs.js';
import type { ReconciliationReport } from '../engine/reconcile-payouts.js';
import { CliError, printable } from './cli-io.js';
import type { CommandContext } from './command-context.js';
import { parseCsv } from './parse-csv.js';
import { textTable } from './text-table.js';

const enc = encodeURIComponent;

/** `tandem payouts …` (runs, approval, files, results, reconciliation) and `tandem fx import`. */
export function payoutsCommands(root: Command, ctx: CommandContext): void {
  const out = (s: string) => ctx.io.stdout.write(s);
  const showRun = (r: PayoutRunView) => {
    out(`run ${r.id}  ${r.period}  ${r.status}${r.requires_approval ? '  (four-eyes)' : ''}\n`);
    out(
      textTable([
        ['CURRENCY', 'PAYOUTS', 'AMOUNT'],
        ...r.totals.map((t) => [t.currency, `${t.count}`, t.amount]),
      ]),
    );
    const held = Object.entries(r.held);
    if (held.length)
      out(`held (balance carries forward): ${held.map(([k, n]) => `${k} ${n}`).join(', ')}\n`);
  };
  const payouts = root
    .command('payouts')
    .description('payout runs, files, results and reconciliation');

  payouts
    .command('run')
    .description("create a payout run for an ended period: claims every eligible partner's balance")
    .requiredOption('--program <key>', 'program id or key')
    .option('--period <yyyy-mm>', 'the period (default: the last ended one)')
    .action(async (opts: { program: string; period?: string }, cmd: Command) => {
      const r = await ctx.client(cmd).post<PayoutRunView>('/v1/payout-runs', {
        body: { program: opts.program, ...(opts.period ? { period: opts.period } : {}) },
      });
      showRun(r.body);
    });

  payouts
    .command('list')
    .description('payout runs, newest first')
    .option('--program <id>', 'only this program (id or key)')
    .action(async (opts: { program?: string }, cmd: Command) => {
      const q = opts.program ? `?program_id=${enc(opts.program)}` : '';
      const r = await ctx.client(cmd).get<{ data: PayoutRunView[] }>(`/v1/payout-runs${q}`);
      out(
        textTable([
          ['RUN', 'PROGRAM', 'PERIOD', 'STATUS', 'PAYOUTS', 'TOTALS'],
          ...r.body.data.map((x) => [
            x.id,
            x.program_id,
            x.period,
            x.status,
            `${x.payouts}`,
            x.totals.map((t) => `${t.amount} ${t.currency}`).join(', '),
          ]),
        ]),
      );
    });

  payouts
    .command('show')
    .description('a run with its payouts')
    .argument('<run-id>')
    .action(async (runId: string, _o: unknown, cmd: Command) => {
      const client = ctx.client(cmd);
      showRun((await client.get<PayoutRunView>(`/v1/payout-runs/${enc(runId)}`)).body);
      const list = await client.get<{ data: PayoutView[] }>(
        `/v1/payouts?run_id=${enc(runId)}&limit=1000`,
      );
      out(
        textTable([
          ['PAYOUT', 'PARTNER', 'RAIL', 'AMOUNT', 'STATUS', 'REFERENCE / REASON'],
          ...list.body.data.map((p) =>
            [
              p.id,
              p.partner_id,
              p.rail,
              `${p.amount} ${p.currency}`,
              p.status,
              p.reference ?? p.failure_reason ?? '',
            ].map(printable),
          ),
        ]),
      );
    });

  for (const [verb, what] of [
    ['approve', 'approve a pending run (four-eyes: another key than its creator)'],
    ['send', 'send an approved run: Stripe transfers, file and manual payouts handed over'],
  ] as const)
    payouts
      .command(verb)
      .description(what)
      .argument('<run-id>')
      .action(async (runId: string, _o: unknown, cmd: Command) => {
        showRun(
          (await ctx.client(cmd).post<PayoutRunView>(`/v1/payout-runs/${enc(runId)}/${verb}`)).body,
        );
      });

  payouts
    .command('cancel')
    .description('cancel a run that has not been sent; the money returns to the balances')
    .argument('<run-id>')
    .requiredOption('--reason <text>', 'why')
    .action(async (runId: string, opts: { reason: string }, cmd: Command) => {
      showRun(
        (
          await ctx.client(cmd).post<PayoutRunView>(`/v1/payout-runs/${enc(runId)}/cancel`, {
            body: { reason: opts.reason },
          })
        ).body,
      );
    });

  payouts
    .command('file')
    .description('download the upload file of a sent run for one rail (csv, paypal, wise)')
    .argument('<run-id>')
    .requiredOption('--rail <rail>', 'csv | paypal | wise')
    .option('--currency <code>', 'when the run pays that rail in several currencies')
    .option('-o, --output <file>', 'write it here (default: the file name the server gives)')
    .action(
      async (
        runId: string,
        opts: { rail: string; currency?: string; output?: string },
        cmd: Command,
      ) => {
        const q = opts.currency ? `?currency=${enc(opts.currency)}` : '';
        const res = await ctx
          .client(cmd)
          .stream('GET', `/v1/payout-runs/${enc(runId)}/files/${enc(opts.rail)}${q}`, {
            accept: 'text/csv',
          });
        const name =
          /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ??
          `${runId}-${opts.rail}.csv`;
        const file = opts.output ?? name;
        writeFileSync(file, await res.text());
        out(`wrote ${file}\n`);
      },
    );

  payouts
    .command('import')
    .description(
      "import a provider's result file: settles or fails each payout, with a report per row",
    )
    .argument('<run-id>')
    .argument('<file>')
    .requiredOption('--rail <rail>', 'csv | paypal | wise')
    .option('--dry-run', 'check the file, change nothing')
    .action(
      async (
        runId: string,
        file: string,
        opts: { rail: string; dryRun?: boolean },
        cmd: Command,
      ) => {
        const r = await ctx
          .client(cmd)
          .post<{ applied: number; unchanged: number; errors: number; rows: ImportRowReport[] }>(
            `/v1/payout-runs/${enc(runId)}/results`,
            {
              body: {
                rail: opts.rail,
                text: readFileSync(file, 'utf8'),
                dry_run: opts.dryRun ?? false,
              },
            },
          );
        const b = r.body;
        out(
          `${b.applied} applied, ${b.unchanged} unchanged, ${b.errors} errors${opts.dryRun ? ' (dry run)' : ''}\n`,
        );
        const bad = b.rows.filter((x) => x.outcome === 'error');
        if (bad.length) {
          out(
            textTable([
              ['LINE', 'PAYOUT', 'CODE', 'MESSAGE'],
              ...bad.map((x) =>
                [`${x.line}`, x.payout_id ?? '-', x.code ?? '', x.message ?? ''].map(printable),
              ),
            ]),
          );
          ctx.setExitCode(1);
        }
      },
    );

  for (const [verb, field] of [
    ['settle', 'reference'],
    ['fail', 'reason'],
  ] as const)
    payouts
      .command(verb)
      .description(
        verb === 'settle'
          ? 'record a sent payout as paid'
          : 'record a sent payout as failed (money returns)',
      )
      .argument('<payout-id>')
      .requiredOption(
        `--${field} <text>`,
        field === 'reference' ? 'bank or provider reference' : 'why it failed',
      )
      .action(async (payoutId: string, opts: Record<string, string>, cmd: Command) => {
        const p = (
          await ctx.client(cmd).post<PayoutView>(`/v1/payouts/${enc(payoutId)}/${verb}`, {
            body: { [field]: opts[field] },
          })
        ).body;
        out(`${p.id} ${p.status} ${p.amount} ${p.currency}\n`);
      });

  payouts
    .command('resume')
    .description('finish interrupted payout steps now (the worker does it every minute)')
    .action(async (_o: unknown, cmd: Command) => {
      const r = await ctx
        .client(cmd)
        .post<{ claimed: number; canceled: number; resent: number }>('/v1/payouts/resume');
      out(
        `${r.body.claimed} runs claimed, ${r.body.canceled} payouts canceled, ${r.body.resent} payouts re-sent\n`,
      );
    });

  payouts
    .command('reconcile')
    .description(
      'tie ledger balances, payout records and rail confirmations together; list every difference',
    )
    .option('--program <id>', 'only this program (id or key)')
    .option('--check-rail', 'also ask Stripe for each payout transfer')
    .option('--json', 'print the report as JSON')
    .action(
      async (opts: { program?: string; checkRail?: boolean; json?: boolean }, cmd: Command) => {
        const q = new URLSearchParams();
        if (opts.program) q.set('program_id', opts.program);
        if (opts.checkRail) q.set('check_rail', 'true');
        const r = (
          await ctx.client(cmd).get<ReconciliationReport>(`/v1/payouts/reconciliation?${q}`)
        ).body;
        if (opts.json) out(`${JSON.stringify(r, null, 2)}\n`);
        else {
          out(
            `checked ${r.checked.payouts} payouts, ${r.checked.accounts} accounts, ${r.checked.rail_lookups} rail lookups\n`,
          );
          out(
            textTable([
              [
                'PROGRAM',
                'CURRENCY',
                'PROCESSING (LEDGER)',
                'IN FLIGHT (PAYOUTS)',
                'PAID (LEDGER)',
                'SETTLED (PAYOUTS)',
              ],
              ...r.totals.map((t) => [
                t.program_id,
                t.currency,
                t.processing_ledger,
                t.processing_payouts,
                t.paid_ledger,
                t.paid_payouts,
              ]),
            ]),
          );
          if (r.differences.length === 0) out('no differences\n');
          else
            out(
              textTable([
                ['DIFFERENCE', 'PAYOUT / PARTNER', 'EXPECTED', 'ACTUAL', 'DETAIL'],
                ...r.differences.map((d) =>
                  [
                    d.kind,
                    d.payout_id ?? d.partner_id ?? '-',
                    d.expected ?? '',
                    d.actual ?? '',
                    d.detail,
                  ].map(printable),
                ),
              ]),
            );
        }
        if (r.differences.length) ctx.setExitCode(1);
      },
    );

  root
    .command('fx')
    .description('exchange rates used to convert balances at payout time')
    .command('import')
    .description(
      'load rates from a CSV file with columns base,quote,rate,as_of[,source] (all or nothing)',
    )
    .argument('<file>')
    .action(async (file: string, _o: unknown, cmd: Command) => {
      const rates: Record<string, string>[] = [];
      let header: string[] | undefined;
      for await (const rec of parseCsv(
        readFileSync(file, 'utf8')
          .split(/\r?\n/)
          .filter((l) => l.trim() !== ''),
      )) {
        if ('error' in rec) throw new CliError(`${file}:${rec.line}: ${rec.error}`);
        if (!header) {
          header = rec.fields.map((f) => f.trim().toLowerCase());
          for (const need of ['base', 'quote', 'rate', 'as_of'])
            if (!header.includes(need))
              throw new CliError(`${file}: the header needs a ${need} column`);
          continue;
        }
        rates.push(Object.fromEntries(header.map((h, i) => [h, rec.fields[i]?.trim() ?? ''])));
      }
      if (rates.length === 0) throw new CliError(`${file}: no rates`);
      const r = await ctx
        .client(cmd)
        .post<{ imported: number; unchanged: number }>('/v1/fx-rates', { body: { rates } });
      out(`${r.body.imported} rates imported, ${r.body.unchanged} already known\n`);
    });
}
