import { sql } from 'kysely';
import { TandemError } from '../core/errors.js';
import { formatAmount } from '../core/money.js';
import { fileRails } from '../core/payout.js';
import { jsonIn } from '../store/values.js';
import { audit } from './audit.js';
import type { Deps } from './deps.js';
import type { ApiRail, RailAnswer } from './payout-rail.js';
import {
  emitRunEvent,
  loadPayout,
  movePayout,
  refreshRunStatus,
  runStatus,
} from './payout-records.js';
import { type PayoutRunView, readPayoutRun } from './read-payout-runs.js';
import { inTransaction } from './transaction.js';

/** Calls per payout and send before leaving an unanswered payout to `resumePayouts`. */
const TRIES = 3;
/** How long an errored payout with no transfer found keeps being looked up before it fails. */
const GIVE_UP_MS = 15 * 60_000;
/** Stripe keeps idempotency keys at least 24 hours; trust them for 23 after the claim. */
const KEY_TRUST_MS = 23 * 3_600_000;

/**
 * Sends an approved run. File and manual payouts become `sent` at once (the
 * run's files are then ready to upload; settlement comes from the provider's
 * result file or a person). API payouts (Stripe) go one by one: marked
 * `sending` in the database first, then the rail is called with the payout id
 * as idempotency key, then its answer is recorded — a crash anywhere leaves a
 * payout that `resumePayouts` asks again with the same key, which cannot pay
 * twice. Calling it again on a run that is sending continues where it stopped.
 * Errors: `payout_run_not_found`, `invalid_payout_transition`, `rail_not_configured`.
 */
export async function sendPayoutRun(
  deps: Deps,
  runId: string,
  actor: string,
): Promise<PayoutRunView> {
  await inTransaction(deps, async (tx) => {
    const run = { status: await runStatus(deps, tx, runId) };
    if (['sending', 'sent', 'settled'].includes(run.status)) return;
    if (run.status !== 'approved')
      throw new TandemError(
        'invalid_payout_transition',
        run.status === 'pending'
          ? `run ${runId} waits for approval`
          : `run ${runId} is ${run.status}; only an approved run can be sent`,
        { current_status: run.status },
      );
    const api = await tx
      .selectFrom('payouts')
      .select('id')
      .where('run_id', '=', runId)
      .where('rail', '=', 'stripe')
      .limit(1)
      .executeTakeFirst();
    if (api && !deps.rails?.stripe)
      throw new TandemError(
        'rail_not_configured',
        'this run pays through Stripe, but no Stripe API key is configured (TANDEM_STRIPE_API_KEY)',
      );
    const now = deps.clock.now();
    await tx
      .updateTable('payout_runs')
      .set({ status: 'sending', updated_at: now })
      .where('id', '=', runId)
      .where('status', '=', 'approved')
      .execute();
    // Files and manual payments: handed over as a whole, in one statement.
    const offline = [...fileRails, 'manual'];
    await sql`INSERT INTO payout_events (id, payout_id, at, status, actor, data)
      SELECT 'pev_' || id || '_sent', id, ${now}, 'sent', ${actor}, ${
        deps.store.dialect === 'postgres'
          ? sql`'{"from":"approved","handed_over":true}'::jsonb`
          : sql`'{"from":"approved","handed_over":true}'`
      }
      FROM payouts WHERE run_id = ${runId} AND status = 'approved' AND rail IN (${sql.join(offline)})`.execute(
      tx,
    );
    await tx
      .updateTable('payouts')
      .set({ status: 'sent', updated_at: now })
      .where('run_id', '=', runId)
      .where('status', '=', 'approved')
      .where('rail', 'in', offline)
      .execute();
    await audit(deps, tx, { actor, action: 'payout_run.sent', subject: runId });
    await emitRunEvent(deps, tx, runId, 'sending');
    deps.faults?.hit('send.in_tx');
  });
  deps.faults?.hit('send.offline_done');
  const api = await deps.store.db
    .selectFrom('payouts')
    .select('id')
    .where('run_id', '=', runId)
    .where('status', 'in', ['approved', 'sending'])
    .orderBy('id')
    .execute();
  for (const { id } of api) await sendApiPayout(deps, id, actor);
  await inTransaction(deps, (tx) => refreshRunStatus(deps, tx, runId));
  return readPayoutRun(deps, runId);
}

/**
 * Pays one API-rail payout that is `approved` (or still `sending` after a
 * crash or an unanswered call): record the attempt, call the rail with the
 * payout id as idempotency key, record the answer. `unknown` answers are
 * retried a few times, then left `sending` for the next resume.
 */
export async function sendApiPayout(deps: Deps, payoutId: string, actor: string): Promise<void> {
  const rail = deps.rails?.stripe;
  if (!rail) return;
  const p = await loadPayout(deps.store.db, payoutId);
  if (p.rail !== 'stripe' || !['approved', 'sending'].includes(p.status)) return;
  const run = await deps.store.db
    .selectFrom('payout_runs')
    .innerJoin('programs', 'programs.id', 'payout_runs.program_id')
    .select(['payout_runs.period', 'programs.key'])
    .where('payout_runs.id', '=', p.runId)
    .executeTakeFirstOrThrow();
  for (let attempt = 1; attempt <= TRIES; attempt++) {
    // The attempt is on record before the rail hears of it.
    const moved = await inTransaction(deps, async (tx) => {
      const now = await loadPayout(tx, payoutId);
      if (now.status === 'approved')
        return (await movePayout(deps, tx, now, 'sending', { actor, countAttempt: true }))
          ? 'first'
          : false;
      if (now.status !== 'sending') return false;
      await tx
        .updateTable('payouts')
        .set({ attempts: sql<number>`attempts + 1`, updated_at: deps.clock.now() })
        .where('id', '=', payoutId)
        .where('status', '=', 'sending')
        .execute();
      return 'retry';
    });
    if (!moved) return;
    // The run's heartbeat, so a resume elsewhere leaves this send alone.
    await deps.store.db
      .updateTable('payout_runs')
      .set({ updated_at: deps.clock.now() })
      .where('id', '=', p.runId)
      .execute();
    deps.faults?.hit('rail.before_call');
    // A retry goes out with the same idempotency key, which Stripe answers
    // with the first transfer for at least 24 hours. Past that the key may be
    // forgotten, so a retry of an older payout first looks the transfer up.
    const keyMayBeGone = deps.clock.now() - p.createdAt > KEY_TRUST_MS;
    let answer: RailAnswer =
      (moved === 'retry' && keyMayBeGone ? await lookUp(rail, payoutId) : undefined) ??
      (await rail.send({
        payoutId: p.id,
        runId: p.runId,
        partnerId: p.partnerId,
        amount: p.amount,
        currency: p.currency,
        details: p.railDetails,
        // Only what cannot change between retries: a changed request under the same key is refused.
        description: `${run.key} payout ${run.period}`,
      }));
    deps.faults?.hit('rail.after_call');
    if (
      answer.kind === 'unknown' &&
      answer.noTransfer &&
      (await sendingFor(deps, payoutId)) > GIVE_UP_MS
    )
      answer = {
        kind: 'declined',
        reason: `${answer.reason}, still none after ${GIVE_UP_MS / 60_000} minutes: nothing was paid`,
      };
    const unanswered = answer.kind === 'unknown' ? answer.reason : '';
    const done = await inTransaction(deps, async (tx) => {
      const now = await loadPayout(tx, payoutId);
      if (now.status !== 'sending') return true;
      if (answer.kind === 'settled' || answer.kind === 'sent') {
        await movePayout(deps, tx, now, answer.kind, {
          actor: 'rail:stripe',
          reference: answer.reference,
          data: {
            confirmation: {
              rail: 'stripe',
              reference: answer.reference,
              minor: `${answer.amount}`,
              currency: answer.currency,
              amount: formatAmount(answer.amount, p.currency),
            },
          },
        });
        deps.faults?.hit('rail.recording_in_tx');
        await refreshRunStatus(deps, tx, p.runId);
        return true;
      }
      if (answer.kind === 'declined') {
        await movePayout(deps, tx, now, 'failed', { actor: 'rail:stripe', reason: answer.reason });
        await refreshRunStatus(deps, tx, p.runId);
        return true;
      }
      await tx
        .insertInto('payout_events')
        .values({
          id: deps.ids.next('pev'),
          payout_id: payoutId,
          at: deps.clock.now(),
          status: 'sending',
          actor: 'rail:stripe',
          data: jsonIn({ attempt: now.attempts, unanswered: unanswered }),
        })
        .execute();
      return false;
    });
    deps.faults?.hit('rail.recorded');
    if (done) return;
    await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
  }
  deps.log.warn(
    { payout: payoutId },
    'payout left sending after unanswered rail calls; resume retries',
  );
}

/** The transfer a rail already made for a payout, an `unknown` if it cannot tell, or undefined if none. */
async function lookUp(rail: ApiRail, payoutId: string): Promise<RailAnswer | undefined> {
  try {
    const found = await rail.find(payoutId);
    return found ? { kind: 'settled', ...found } : undefined;
  } catch (e) {
    return { kind: 'unknown', reason: `looking up the transfer failed: ${String(e)}` };
  }
}

/** How long a payout has been `sending`, from its first attempt. */
async function sendingFor(deps: Deps, payoutId: string): Promise<number> {
  const first = await deps.store.db
    .selectFrom('payout_events')
    .select((eb) => eb.fn.min<string | number | bigint>('at').as('at'))
    .where('payout_id', '=', payoutId)
    .where('status', '=', 'sending')
    .executeTakeFirst();
  return first?.at === undefined || first.at === null ? 0 : deps.clock.now() - Number(first.at);
}
