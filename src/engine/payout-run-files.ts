import type { Currency } from '../core/currency.js';
import { TandemError } from '../core/errors.js';
import { type FileRail, fileRails, type PayoutFile } from '../core/payout.js';
import { payoutFile } from '../core/payout-files.js';
import { jsonOut, toBigInt } from '../store/values.js';
import type { Deps } from './deps.js';

export interface RunFileView {
  rail: FileRail;
  currency: string;
  payouts: number;
  /** Where to download it. */
  path: string;
}

/** The upload files a run has: one per file rail and currency (PayPal takes one currency per file). */
export async function listPayoutRunFiles(deps: Deps, runId: string): Promise<RunFileView[]> {
  await runOf(deps, runId);
  const rows = await deps.store.db
    .selectFrom('payouts')
    .select(['rail', 'currency'])
    .select((eb) => eb.fn.countAll<string | number | bigint>().as('n'))
    .where('run_id', '=', runId)
    .where('rail', 'in', [...fileRails])
    .where('status', '=', 'sent')
    .groupBy(['rail', 'currency'])
    .orderBy('rail')
    .orderBy('currency')
    .execute();
  return rows.map((r) => ({
    rail: r.rail as FileRail,
    currency: r.currency,
    payouts: Number(r.n),
    path: `/v1/payout-runs/${runId}/files/${r.rail}?currency=${r.currency}`,
  }));
}

/**
 * The file to upload to a provider for a run's payouts on one rail and
 * currency, with the payout details each payout was claimed with (the one
 * place they leave Tandem unmasked). It carries only payouts still waiting
 * for their outcome: once a result file or a person settles or fails one, it
 * leaves the file, so uploading a later download again cannot pay it twice.
 * Errors: `payout_run_not_found`, `not_found` (no such payouts), `invalid_payout_transition` (not sent yet).
 */
export async function payoutRunFile(
  deps: Deps,
  runId: string,
  rail: FileRail,
  currency: string | undefined,
): Promise<PayoutFile> {
  const run = await runOf(deps, runId);
  if (!['sending', 'sent', 'settled'].includes(run.status))
    throw new TandemError(
      'invalid_payout_transition',
      `run ${runId} is ${run.status}: files are ready once it is sent`,
    );
  let q = deps.store.db
    .selectFrom('payouts')
    .innerJoin('partners', 'partners.id', 'payouts.partner_id')
    .select([
      'payouts.id',
      'payouts.partner_id',
      'payouts.amount',
      'payouts.currency',
      'payouts.rail_details',
      'partners.name',
    ])
    .where('payouts.run_id', '=', runId)
    .where('payouts.rail', '=', rail)
    .where('payouts.status', '=', 'sent');
  if (currency) q = q.where('payouts.currency', '=', currency.toUpperCase());
  const rows = await q.orderBy('payouts.id').execute();
  const currencies = new Set(rows.map((r) => r.currency));
  if (rows.length === 0)
    throw new TandemError(
      'not_found',
      `run ${runId} has no ${rail} payouts${currency ? ` in ${currency}` : ''}`,
    );
  if (currencies.size > 1)
    throw new TandemError(
      'validation_failed',
      `run ${runId} pays ${rail} in ${[...currencies].join(', ')}: choose one with ?currency=`,
      { issues: [{ path: 'currency', message: `one of ${[...currencies].join(', ')}` }] },
    );
  return payoutFile(
    rail,
    rows.map((r) => ({
      id: r.id,
      partnerId: r.partner_id,
      partnerName: r.name,
      amount: toBigInt(r.amount),
      currency: r.currency as Currency,
      details: jsonOut<Record<string, string>>(r.rail_details),
      note: `${run.programName} payout, ${run.period}`,
    })),
    { runId, programName: run.programName },
  );
}

async function runOf(deps: Deps, runId: string) {
  const run = await deps.store.db
    .selectFrom('payout_runs')
    .innerJoin('programs', 'programs.id', 'payout_runs.program_id')
    .select(['payout_runs.status', 'payout_runs.period', 'programs.name as programName'])
    .where('payout_runs.id', '=', runId)
    .executeTakeFirst();
  if (!run) throw new TandemError('payout_run_not_found', `no payout run ${runId}`);
  return run;
}
