import { isTandemError, TandemError } from '../core/errors.js';
import { formatAmount } from '../core/money.js';
import type { FileRail } from '../core/payout.js';
import { parseResultFile } from '../core/payout-results.js';
import type { Deps } from './deps.js';
import { loadPayout } from './payout-records.js';
import { applyOutcome } from './record-payout-outcome.js';
import { inTransaction } from './transaction.js';

export interface ImportRowReport {
  line: number;
  payout_id: string | null;
  outcome: 'settled' | 'failed' | 'unchanged' | 'error';
  code?: string;
  message?: string;
}

/**
 * Imports a provider's result file for a run's payouts on one file rail
 * (`paypal`, `wise`, `csv`): each row settles or fails its payout, matched by
 * payout id; an amount that differs from the payout's is refused. Returns a
 * report per row: rows that cannot be applied (unknown payout, another run or
 * rail, wrong amount, not final) are listed with a code and change nothing,
 * while good rows are applied — importing the same file twice changes nothing
 * the second time. With `dryRun` nothing is written.
 * Errors: `payout_run_not_found`, `invalid_result_file` (no readable rows at all).
 */
export async function importPayoutResults(
  deps: Deps,
  input: { runId: string; rail: FileRail; text: string; actor: string; dryRun?: boolean },
): Promise<{ applied: number; unchanged: number; errors: number; rows: ImportRowReport[] }> {
  const run = await deps.store.db
    .selectFrom('payout_runs')
    .select('id')
    .where('id', '=', input.runId)
    .executeTakeFirst();
  if (!run) throw new TandemError('payout_run_not_found', `no payout run ${input.runId}`);
  const parsed = parseResultFile(input.rail, input.text);
  if (parsed.rows.length === 0)
    throw new TandemError('invalid_result_file', 'the file has no result rows Tandem can read', {
      rows: parsed.errors,
    });
  const report: ImportRowReport[] = parsed.errors.map((e) => ({
    line: e.line,
    payout_id: null,
    outcome: 'error',
    code: e.code,
    message: e.message,
  }));
  for (const row of parsed.rows) {
    const fail = (code: string, message: string) => {
      report.push({ line: row.line, payout_id: row.payoutId, outcome: 'error', code, message });
    };
    // A refusal is returned, not recorded, inside the transaction: it may be retried.
    const refuse = (code: string, message: string) => ({ refused: [code, message] as const });
    try {
      const outcome = await inTransaction(deps, async (tx) => {
        const p = await loadPayout(tx, row.payoutId).catch(() => undefined);
        if (!p) return refuse('payout_not_found', `no payout ${row.payoutId}`);
        if (p.runId !== input.runId)
          return refuse('other_run', `payout ${p.id} belongs to run ${p.runId}`);
        if (p.rail !== input.rail)
          return refuse('other_rail', `payout ${p.id} is paid by ${p.rail}, not ${input.rail}`);
        if (row.amount !== undefined && (row.amount !== p.amount || row.currency !== p.currency))
          return refuse(
            'amount_mismatch',
            `the file says ${row.amount} ${row.currency ?? ''} (minor units), the payout is ${formatAmount(p.amount, p.currency)} ${p.currency}`,
          );
        if (input.dryRun) return p.status === row.status ? 'unchanged' : row.status;
        const changed = await applyOutcome(
          deps,
          tx,
          p,
          {
            status: row.status,
            reference: row.reference ?? `${input.rail}:line:${row.line}`,
            reason: row.reason ?? 'reported failed by the provider',
            confirmation: {
              rail: input.rail,
              reference: row.reference ?? null,
              ...(row.amount !== undefined
                ? { minor: `${row.amount}`, currency: row.currency }
                : {}),
            },
          },
          input.actor,
        );
        return changed ? row.status : 'unchanged';
      });
      deps.faults?.hit('import.row');
      if (typeof outcome === 'object') fail(...outcome.refused);
      else report.push({ line: row.line, payout_id: row.payoutId, outcome });
    } catch (e) {
      if (!isTandemError(e)) throw e;
      fail(e.code, e.message);
    }
  }
  report.sort((a, b) => a.line - b.line);
  return {
    applied: report.filter((r) => r.outcome === 'settled' || r.outcome === 'failed').length,
    unchanged: report.filter((r) => r.outcome === 'unchanged').length,
    errors: report.filter((r) => r.outcome === 'error').length,
    rows: report,
  };
}
