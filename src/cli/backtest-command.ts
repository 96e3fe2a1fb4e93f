import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { backtestCsv } from '../core/backtest-csv.js';
import type { BacktestReport } from '../core/summarize-backtest.js';
import { type ApiClient, ApiError, apiPath } from './api-client.js';
import { backtestTable } from './backtest-table.js';
import { CliError, type CliIo } from './cli-io.js';
import type { CommandContext } from './command-context.js';
import { PROGRAM_KEY, readProgramFile } from './read-program-file.js';

interface BacktestFlags {
  program?: string;
  terms: string;
  from: string;
  to: string;
  format: string;
  out?: string;
  limit: string;
  check: boolean;
  tiers: string;
}

const FORMATS = ['table', 'json', 'csv'] as const;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** `tandem backtest`: what the draft terms would have cost over a past period. */
export function backtestCommand(root: Command, ctx: CommandContext): void {
  root
    .command('backtest')
    .description('replay a past period under draft terms and compare with what was paid')
    .requiredOption(
      '--terms <file>',
      'draft terms: a program file or a terms-only file (YAML/JSON)',
    )
    .option('--program <key>', 'the program (default: program: in the file)')
    .requiredOption('--from <date>', 'first day of the period, YYYY-MM-DD (UTC)')
    .requiredOption('--to <date>', 'last day of the period, YYYY-MM-DD (UTC), included')
    .option('--format <format>', `output: ${FORMATS.join(', ')}`, 'table')
    .option('--out <file>', 'write the output to this file instead of stdout')
    .option('--limit <n>', 'partners shown in the table (largest differences first)', '25')
    .option('--no-check', 'skip replaying the current terms against the ledger (half the work)')
    .option(
      '--tiers <mode>',
      "auto (default): requalify partners under the draft's tier levels when they differ; recorded: the tiers partners had; simulate: always requalify",
      'auto',
    )
    .addHelpText(
      'after',
      `
The server replays every stored event of the customers active in the period, in memory:
events before --from under the terms then in force, the period under the draft (as if it
had been published effective --from). Nothing is written. The report compares the cost,
activations, cost per activation and cost as a share of revenue with what the ledger holds,
partner by partner. A progress bar is drawn while it runs on a terminal.

Examples:
  $ tandem backtest --program seller-referrals --terms draft.yaml --from 2026-01-01 --to 2026-06-30
  $ tandem backtest --terms draft.yaml --from 2026-01-01 --to 2026-06-30 --format csv --out bt.csv
  $ tandem backtest --terms draft.yaml --from 2026-04-01 --to 2026-04-30 --format json | jq .draft`,
    )
    .action(async (opts: BacktestFlags, cmd: Command) => {
      const format = opts.format as (typeof FORMATS)[number];
      const problems: string[] = [];
      if (!FORMATS.includes(format)) problems.push(`--format: one of ${FORMATS.join(', ')}`);
      if (!DAY.test(opts.from)) problems.push('--from: a date YYYY-MM-DD');
      if (!DAY.test(opts.to)) problems.push('--to: a date YYYY-MM-DD');
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) problems.push('--limit: a whole number ≥ 1');
      const file = readProgramFile(resolve(ctx.io.cwd ?? process.cwd(), opts.terms), opts.terms);
      if (!file.ok)
        problems.push(...file.issues.map((i) => `${opts.terms}: ${i.path}: ${i.message}`));
      const program = opts.program ?? (file.ok ? file.file.program : undefined);
      if (file.ok && !program)
        problems.push('--program: which program? pass --program KEY or put program: in the file');
      else if (program && !PROGRAM_KEY.test(program) && !program.startsWith('prg_'))
        problems.push('--program: a program key (lowercase letters, digits, -) or id');
      if (!['auto', 'recorded', 'simulate'].includes(opts.tiers))
        problems.push('--tiers: one of auto, recorded, simulate');
      if (problems.length) throw new CliError('cannot run the backtest', { lines: problems });

      const report = await run(
        ctx.client(cmd),
        program as string,
        {
          terms: (file as { file: { terms: unknown } }).file.terms,
          from: opts.from,
          to: opts.to,
          ...(opts.check ? {} : { check: false }),
          ...(opts.tiers !== 'auto' ? { tiers: opts.tiers } : {}),
        },
        ctx.io,
      );
      const text =
        format === 'json'
          ? `${JSON.stringify(report, null, 2)}\n`
          : format === 'csv'
            ? backtestCsv(report)
            : backtestTable(report, { limit });
      if (opts.out) {
        const path = resolve(ctx.io.cwd ?? process.cwd(), opts.out);
        try {
          writeFileSync(path, text);
        } catch (e) {
          throw new CliError(`cannot write ${opts.out}: ${(e as NodeJS.ErrnoException).code ?? e}`);
        }
        ctx.io.stderr.write(`wrote ${opts.out}\n`);
      } else ctx.io.stdout.write(text);
    });
}

/** An application/problem+json body, as the stream's last line carries it on failure. */
interface Problem {
  status: number;
  code: string;
  detail: string;
  issues?: { path: string; message: string }[];
}

interface Progress {
  customers: number;
  total_customers: number;
  events: number;
}

/**
 * Asks the server for the backtest as NDJSON: progress lines while the replay runs (drawn
 * as a bar on a terminal), then the report. One request either way, never retried: a
 * backtest writes nothing, but it is minutes of the server's CPU.
 */
async function run(
  client: ApiClient,
  program: string,
  body: { terms: unknown; from: string; to: string; check?: boolean; tiers?: string },
  io: CliIo,
): Promise<BacktestReport> {
  const response = await client.stream('POST', apiPath`/v1/programs/${program}/backtest`, {
    body,
    accept: 'application/x-ndjson',
  });
  const bar = io.stderr.isTTY
    ? new cliProgress.SingleBar(
        {
          stream: io.stderr as NodeJS.WritableStream,
          format:
            '{bar} {percentage}% | {value}/{total} customers | {events} events | ETA {eta_formatted}',
          hideCursor: true,
          etaBuffer: 20,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let started = false;
  let report: BacktestReport | undefined;
  let failure: Problem | undefined;
  const onLine = (line: string) => {
    if (!line.trim()) return;
    const msg = JSON.parse(line) as {
      progress?: Progress;
      report?: BacktestReport;
      error?: Problem;
    };
    if (msg.progress && bar) {
      if (!started) bar.start(msg.progress.total_customers, 0, { events: 0 });
      started = true;
      bar.update(msg.progress.customers, { events: msg.progress.events });
    }
    if (msg.report) report = msg.report;
    if (msg.error) failure = msg.error;
  };
  try {
    const decoder = new TextDecoder();
    let buffered = '';
    for await (const chunk of response.body ?? []) {
      buffered += decoder.decode(chunk as Uint8Array, { stream: true });
      let nl = buffered.indexOf('\n');
      while (nl >= 0) {
        onLine(buffered.slice(0, nl));
        buffered = buffered.slice(nl + 1);
        nl = buffered.indexOf('\n');
      }
    }
    onLine(buffered + decoder.decode());
  } finally {
    if (started) bar?.stop();
  }
  if (failure)
    throw new ApiError(
      failure.status,
      failure.code,
      failure.detail,
      (failure.issues ?? []).map((i) => ({ path: i.path, message: i.message })),
    );
  if (!report) throw new CliError('the server ended the backtest without a report; try again');
  return report;
}
