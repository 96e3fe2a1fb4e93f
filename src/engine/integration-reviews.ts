import { sql } from 'kysely';
import { checkMilestone, integrationTermsOf } from '../core/derive-integration.js';
import { TandemError } from '../core/errors.js';
import { versionInForce } from '../core/program-version.js';
import { toIso } from '../core/time.js';
import { jsonIn, jsonOut, toNumber } from '../store/values.js';
import { audit } from './audit.js';
import type { Deps } from './deps.js';
import { findIntegration, loadCompletions } from './integrations.js';
import { loadPrograms } from './load-programs.js';
import { emitEvent } from './outbox.js';
import { findPartner } from './partners.js';
import { recordCompletion } from './record-completion.js';
import { type Db, inTransaction, type Tx } from './transaction.js';

export interface Evidence {
  links?: string[] | undefined;
  notes?: string | undefined;
  test_run_id?: string | undefined;
}

export interface SubmissionView {
  id: string;
  integration_id: string;
  partner_id: string;
  milestone: string;
  evidence: Evidence;
  status: 'pending' | 'approved' | 'rejected';
  submitted_by: string;
  submitted_at: string;
  reviewed_by: string | null;
  reviewed_at: string | null;
  comment: string | null;
}

type SubmissionRow = {
  id: string;
  integration_id: string;
  milestone: string;
  evidence: unknown;
  status: string;
  submitted_by: string;
  submitted_at: unknown;
  reviewed_by: string | null;
  reviewed_at: unknown;
  comment: string | null;
};

const view = (r: SubmissionRow, partnerId: string): SubmissionView => ({
  id: r.id,
  integration_id: r.integration_id,
  partner_id: partnerId,
  milestone: r.milestone,
  evidence: jsonOut<Evidence>(r.evidence),
  status: r.status as SubmissionView['status'],
  submitted_by: r.submitted_by,
  submitted_at: toIso(toNumber(r.submitted_at)),
  reviewed_by: r.reviewed_by,
  reviewed_at: r.reviewed_at === null ? null : toIso(toNumber(r.reviewed_at)),
  comment: r.comment,
});

/** Checks that `milestone` may be completed by review now on this integration. */
async function checkReviewable(
  tx: Tx,
  integrationId: string,
  programId: string,
  milestone: string,
  at: number,
) {
  const programs = await loadPrograms(tx);
  const versions = programs.find((p) => p.id === programId)?.versions ?? [];
  const version = versionInForce(versions, at);
  if (!version) throw new TandemError('no_terms_in_force', 'the program has no terms in force now');
  const completions = (await loadCompletions(tx, [integrationId])).get(integrationId) ?? [];
  const check = checkMilestone(
    integrationTermsOf(version.terms),
    completions,
    milestone,
    at,
    'review',
  );
  if (!check.ok)
    throw new TandemError(check.code, check.message, {
      issues: [{ path: 'milestone', message: check.message }],
    });
  return check;
}

/**
 * A partner submits evidence that a milestone is reached, for a reviewer.
 * Refused when the milestone is not on the path, is completed by events
 * only, is out of order, or already has a submission awaiting review.
 * Errors: `integration_not_found`, `partner_not_approved`, `unknown_milestone`,
 * `milestone_completed_by_other`, `milestone_out_of_order`, `submission_pending`.
 */
export async function submitEvidence(
  deps: Deps,
  input: { integrationId: string; milestone: string; evidence: Evidence },
  actor: string,
): Promise<SubmissionView> {
  return inTransaction(deps, async (tx) => {
    const it = await lockIntegration(deps, tx, input.integrationId);
    const partner = await findPartner(tx, it.partner_id);
    if (partner.status !== 'approved')
      throw new TandemError(
        'partner_not_approved',
        `partner ${partner.id} is ${partner.status}; only approved partners submit evidence`,
      );
    const now = deps.clock.now();
    await checkReviewable(tx, it.id, it.program_id, input.milestone, now);
    const pending = await tx
      .selectFrom('integration_submissions')
      .select('id')
      .where('integration_id', '=', it.id)
      .where('milestone', '=', input.milestone)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (pending)
      throw new TandemError(
        'submission_pending',
        `submission ${pending.id} for ${input.milestone} is awaiting review`,
        { submission_id: pending.id },
      );
    const row = {
      id: deps.ids.next('sub'),
      integration_id: it.id,
      milestone: input.milestone,
      evidence: jsonIn(input.evidence),
      status: 'pending',
      submitted_by: actor,
      submitted_at: now,
      reviewed_by: null,
      reviewed_at: null,
      comment: null,
    };
    await tx.insertInto('integration_submissions').values(row).execute();
    await audit(deps, tx, {
      actor,
      action: 'integration.evidence_submitted',
      subject: row.id,
      data: { integration_id: it.id, milestone: input.milestone },
    });
    const v = view(row, it.partner_id);
    await emitEvent(deps, tx, {
      type: 'integration.submission_created',
      subject: row.id,
      data: v as unknown as Record<string, unknown>,
    });
    return v;
  });
}

/**
 * A reviewer approves (the milestone is completed now, its grants follow)
 * or rejects (with a comment the partner reads) a pending submission.
 * Errors: `submission_not_found`, `submission_not_pending`, and on approval
 * the order checks again, under the terms in force at the decision (a new
 * version may have changed the path since the submission).
 */
export async function reviewSubmission(
  deps: Deps,
  input: { submissionId: string; decision: 'approve' | 'reject'; comment?: string | undefined },
  actor: string,
): Promise<SubmissionView> {
  return inTransaction(deps, async (tx) => {
    const sub = await tx
      .selectFrom('integration_submissions')
      .selectAll()
      .where('id', '=', input.submissionId)
      .executeTakeFirst();
    if (!sub) throw new TandemError('submission_not_found', `no submission ${input.submissionId}`);
    const it = await lockIntegration(deps, tx, sub.integration_id);
    // Read again under the lock: a reviewer deciding at the same moment has committed by now.
    const current = await tx
      .selectFrom('integration_submissions')
      .select('status')
      .where('id', '=', sub.id)
      .executeTakeFirstOrThrow();
    sub.status = current.status;
    if (sub.status !== 'pending')
      throw new TandemError(
        'submission_not_pending',
        `submission ${sub.id} is ${sub.status}, not pending`,
      );
    const now = deps.clock.now();
    const status = input.decision === 'approve' ? 'approved' : 'rejected';
    if (input.decision === 'approve') {
      const check = await checkReviewable(tx, it.id, it.program_id, sub.milestone, now);
      await recordCompletion(
        deps,
        tx,
        {
          integrationId: it.id,
          partnerId: it.partner_id,
          milestone: sub.milestone,
          at: now,
          source: 'review',
          ref: sub.id,
          renewal: check.renewal,
        },
        now,
      );
    }
    // Conditional on `pending`: two reviewers deciding at once cannot both win.
    const r = await tx
      .updateTable('integration_submissions')
      .set({ status, reviewed_by: actor, reviewed_at: now, comment: input.comment ?? null })
      .where('id', '=', sub.id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0)
      throw new TandemError(
        'submission_not_pending',
        `submission ${sub.id} is ${sub.status}, not pending`,
      );
    await audit(deps, tx, {
      actor,
      action: `integration.submission_${status}`,
      subject: sub.id,
      data: { integration_id: it.id, milestone: sub.milestone, comment: input.comment ?? null },
    });
    const v = view(
      { ...sub, status, reviewed_by: actor, reviewed_at: now, comment: input.comment ?? null },
      it.partner_id,
    );
    await emitEvent(deps, tx, {
      type: `integration.submission_${status}`,
      subject: sub.id,
      data: v as unknown as Record<string, unknown>,
    });
    return v;
  });
}

async function lockIntegration(deps: Deps, tx: Tx, id: string) {
  if (deps.store.dialect === 'postgres')
    await sql`SELECT id FROM integrations WHERE id = ${id} FOR UPDATE`.execute(tx);
  return findIntegration(tx, id);
}

export async function getSubmission(db: Db, id: string): Promise<SubmissionView> {
  const r = await db
    .selectFrom('integration_submissions as s')
    .innerJoin('integrations as i', 'i.id', 's.integration_id')
    .selectAll('s')
    .select('i.partner_id')
    .where('s.id', '=', id)
    .executeTakeFirst();
  if (!r) throw new TandemError('submission_not_found', `no submission ${id}`);
  return view(r, r.partner_id);
}

/** Submissions, newest first: of one integration, one partner, or the review queue (`status`). */
export async function listSubmissions(
  db: Db,
  q: {
    integrationId?: string | undefined;
    partnerId?: string | undefined;
    status?: 'pending' | 'approved' | 'rejected' | undefined;
    limit: number;
  },
): Promise<SubmissionView[]> {
  let query = db
    .selectFrom('integration_submissions as s')
    .innerJoin('integrations as i', 'i.id', 's.integration_id')
    .selectAll('s')
    .select('i.partner_id')
    .orderBy('s.submitted_at', q.status === 'pending' ? 'asc' : 'desc')
    .orderBy('s.id')
    .limit(q.limit);
  if (q.integrationId) query = query.where('s.integration_id', '=', q.integrationId);
  if (q.partnerId) query = query.where('i.partner_id', '=', q.partnerId);
  if (q.status) query = query.where('s.status', '=', q.status);
  return (await query.execute()).map((r) => view(r, r.partner_id));
}
