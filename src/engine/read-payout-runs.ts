import type { Currency } from '../core/currency.js';
import { TandemError } from '../core/errors.js';
import { formatAmount } from '../core/money.js';
import type { PayoutStatus } from '../core/payout.js';
import { toIso } from '../core/time.js';
import { jsonOut, toBool, toNumber } from '../store/values.js';
import type { Deps } from './deps.js';
import { loadPayout, type PayoutView, payoutFromRow, payoutView } from './payout-records.js';

export interface PayoutRunView {
  id: string;
  program_id: string;
  period: string;
  status: string;
  version_id: string;
  requires_approval: boolean;
  created_by: string;
  approved_by: string | null;
  created_at: string;
  updated_at: string;
  payouts: number;
  totals: { currency: string; count: number; amount: string; minor: string }[];
  /** Partners with a balance this run did not pay, per reason; their balance carries forward. */
  held: Record<string, number>;
  /** Payouts per status. */
  statuses: Record<string, number>;
}

/** Errors: `payout_run_not_found`. */
export async function readPayoutRun(deps: Deps, id: string): Promise<PayoutRunView> {
  const r = await deps.store.db
    .selectFrom('payout_runs')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!r) throw new TandemError('payout_run_not_found', `no payout run ${id}`);
  const summary = jsonOut<{
    payouts?: number;
    totals?: { currency: string; count: number; minor: string }[];
    held?: Record<string, number>;
  }>(r.summary);
  const statuses = await deps.store.db
    .selectFrom('payouts')
    .select('status')
    .select((eb) => eb.fn.countAll<string | number | bigint>().as('n'))
    .where('run_id', '=', id)
    .groupBy('status')
    .execute();
  return {
    id: r.id,
    program_id: r.program_id,
    period: r.period,
    status: r.status,
    version_id: r.version_id,
    requires_approval: toBool(r.requires_approval),
    created_by: r.created_by,
    approved_by: r.approved_by,
    created_at: toIso(toNumber(r.created_at)),
    updated_at: toIso(toNumber(r.updated_at)),
    payouts: summary.payouts ?? 0,
    totals: (summary.totals ?? []).map((t) => ({
      ...t,
      amount: formatAmount(BigInt(t.minor), t.currency as Currency),
    })),
    held: summary.held ?? {},
    statuses: Object.fromEntries(statuses.map((s) => [s.status, Number(s.n)])),
  };
}

/** Runs, newest first, optionally of one program. */
export async function listPayoutRuns(
  deps: Deps,
  q: { program?: string | undefined; limit?: number | undefined },
): Promise<PayoutRunView[]> {
  let query = deps.store.db.selectFrom('payout_runs').select('id');
  if (q.program) query = query.where('program_id', '=', q.program);
  const ids = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(Math.min(q.limit ?? 50, 200))
    .execute();
  return Promise.all(ids.map((r) => readPayoutRun(deps, r.id)));
}

/** Payouts by run, partner or status, oldest first, paged by id. */
export async function listPayouts(
  deps: Deps,
  q: {
    run_id?: string | undefined;
    partner_id?: string | undefined;
    status?: PayoutStatus | undefined;
    after?: string | undefined;
    limit?: number | undefined;
  },
): Promise<{ data: PayoutView[]; next_cursor: string | null }> {
  const limit = Math.min(q.limit ?? 100, 1000);
  let query = deps.store.db.selectFrom('payouts').selectAll();
  if (q.run_id) query = query.where('run_id', '=', q.run_id);
  if (q.partner_id) query = query.where('partner_id', '=', q.partner_id);
  if (q.status) query = query.where('status', '=', q.status);
  if (q.after) query = query.where('id', '>', q.after);
  const rows = await query
    .orderBy('id')
    .limit(limit + 1)
    .execute();
  const data = rows.slice(0, limit).map((r) => payoutView(payoutFromRow(r)));
  return { data, next_cursor: rows.length > limit ? (data[data.length - 1]?.id ?? null) : null };
}

/** One payout with its history (every state change and rail answer). Errors: `payout_not_found`. */
export async function readPayout(
  deps: Deps,
  id: string,
): Promise<
  PayoutView & { events: { at: string; status: string; actor: string; data: unknown }[] }
> {
  const p = await loadPayout(deps.store.db, id);
  const events = await deps.store.db
    .selectFrom('payout_events')
    .selectAll()
    .where('payout_id', '=', id)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return {
    ...payoutView(p),
    events: events.map((e) => ({
      at: toIso(toNumber(e.at)),
      status: e.status,
      actor: e.actor,
      data: jsonOut(e.data),
    })),
  };
}

/** The partners a run held back and why. */
export async function listRunHolds(
  deps: Deps,
  runId: string,
): Promise<{ partner_id: string; reason: string; detail: string | null }[]> {
  await readPayoutRun(deps, runId);
  return deps.store.db
    .selectFrom('payout_skips')
    .select(['partner_id', 'reason', 'detail'])
    .where('run_id', '=', runId)
    .orderBy('partner_id')
    .execute();
}
