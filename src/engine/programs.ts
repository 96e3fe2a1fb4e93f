import { sql } from 'kysely';
import { TandemError } from '../core/errors.js';
import { type ProgramTermsDocument, validateTerms } from '../core/program-terms.js';
import { versionInForce } from '../core/program-version.js';
import { toIso } from '../core/time.js';
import {
  earliestEffectiveFrom,
  type VersionStatus,
  versionStatuses,
} from '../core/version-schedule.js';
import { jsonIn, jsonOut, toBool, toNumber } from '../store/values.js';
import { audit } from './audit.js';
import { markEndedBonusPeriodsSince } from './bonus-periods.js';
import type { Deps } from './deps.js';
import { markCustomersWithEventsSince } from './dirty-units.js';
import { integrationsOf, markIntegrationUnits } from './mark-integration-units.js';
import { type Db, inTransaction, type Tx } from './transaction.js';

export interface ProgramView {
  id: string;
  key: string;
  name: string;
  created_at: string;
  current_version: number | null;
  /** Versions published to take effect later, in the order they will. */
  upcoming_versions: number[];
  versions: VersionView[];
}

export interface VersionView {
  id: string;
  number: number;
  effective_from: string;
  published_at: string;
  correction: boolean;
  reason: string | null;
  /** At the time of reading: in force now, published ahead, or no longer (or never) in force. */
  status: VersionStatus;
  terms: ProgramTermsDocument;
}

/**
 * Creates a program, optionally with its first version, in one transaction:
 * a refused first version leaves no program behind.
 * Errors: `program_exists`, and those of `publishVersion` for the first version.
 */
export async function createProgram(
  deps: Deps,
  input: { key: string; name: string; firstVersion?: Omit<PublishInput, 'program'> | undefined },
  actor = 'system',
): Promise<ProgramView> {
  const first = input.firstVersion ? checkPublish(deps, input.firstVersion) : undefined;
  return inTransaction(deps, async (tx) => {
    const taken = await tx
      .selectFrom('programs')
      .select('id')
      .where('key', '=', input.key)
      .executeTakeFirst();
    if (taken) {
      throw new TandemError('program_exists', `a program with key "${input.key}" exists`, {
        id: taken.id,
      });
    }
    const id = deps.ids.next('prg');
    await tx
      .insertInto('programs')
      .values({ id, key: input.key, name: input.name, created_at: deps.clock.now() })
      .execute();
    await audit(deps, tx, {
      actor,
      action: 'program.created',
      subject: id,
      data: { key: input.key, name: input.name },
    });
    if (first && input.firstVersion)
      await insertVersion(deps, tx, id, input.firstVersion, first, actor);
    return (await getProgramIn(tx, id, deps.clock.now())) as ProgramView;
  });
}

export interface PublishInput {
  program: string;
  /**
   * Defaults to the earliest the notice period allows: now plus the
   * `notice_days` of the version in force now (now for a correction).
   */
  effectiveFrom?: number | undefined;
  terms: unknown;
  correction?: boolean | undefined;
  reason?: string | undefined;
}

/**
 * Publishes a new immutable version of a program's terms. A version cannot
 * take effect before it is published, nor before the notice period of the
 * terms in force allows (`notice_days`, so partners see new terms coming),
 * unless it is marked as a correction (with a reason), which is recorded in
 * the audit log and re-derives only the customers with events on or after
 * its effective date.
 *
 * Errors: `program_not_found`, `invalid_program` (details.issues lists every
 * problem by path), `version_in_past`, `notice_period` (details: notice_days,
 * earliest_effective_from), `validation_failed` (correction without a reason).
 */
export async function publishVersion(
  deps: Deps,
  input: PublishInput,
  actor = 'system',
): Promise<VersionView> {
  const checked = checkPublish(deps, input);
  return inTransaction(deps, async (tx) => {
    const program = await findProgram(tx, input.program);
    // Publishes of one program take turns, so the notice check and the next
    // number read the versions as the previous publish left them (and eight
    // at once do not exhaust the unique-violation retries). SQLite has one writer.
    if (deps.store.dialect === 'postgres')
      await sql`SELECT id FROM programs WHERE id = ${program.id} FOR UPDATE`.execute(tx);
    return insertVersion(deps, tx, program.id, input, checked, actor);
  });
}

type Checked = { document: ProgramTermsDocument; effectiveFrom: number | undefined; now: number };

/** What can be checked without the database: the terms, the past, the reason. */
function checkPublish(deps: Deps, input: Omit<PublishInput, 'program'>): Checked {
  const checked = validateTerms(input.terms);
  if (!checked.ok) {
    throw new TandemError('invalid_program', 'the program terms are invalid', {
      issues: checked.issues,
    });
  }
  const now = deps.clock.now();
  const effectiveFrom = input.effectiveFrom;
  if (effectiveFrom !== undefined && effectiveFrom < now && !input.correction) {
    throw new TandemError(
      'version_in_past',
      `effective_from ${toIso(effectiveFrom)} is before now (${toIso(now)}); publish it as a correction with a reason to change the past`,
    );
  }
  if (input.correction && !input.reason?.trim()) {
    throw new TandemError('validation_failed', 'a correction needs a reason', {
      issues: [{ path: 'reason', message: 'required for a correction' }],
    });
  }
  return { document: checked.document, effectiveFrom, now };
}

/**
 * The notice period, checked against the versions already published (inside
 * the publishing transaction). Returns the effective instant to store.
 */
async function effectiveInstant(
  tx: Tx,
  programId: string,
  input: Omit<PublishInput, 'program'>,
  checked: Checked,
): Promise<number> {
  const { now } = checked;
  // A correction changes the past on purpose: no notice applies to it.
  if (input.correction) return checked.effectiveFrom ?? now;
  const rows = await tx
    .selectFrom('program_versions')
    .select(['number', 'effective_from', 'document'])
    .where('program_id', '=', programId)
    .execute();
  const notice = earliestEffectiveFrom(
    rows.map((r) => ({
      number: toNumber(r.number),
      effectiveFrom: toNumber(r.effective_from),
      // Versions stored before notice_days existed promised no notice.
      noticeDays: jsonOut<ProgramTermsDocument>(r.document).notice_days ?? 0,
    })),
    now,
  );
  const effectiveFrom = checked.effectiveFrom ?? notice.earliest;
  if (effectiveFrom < notice.earliest) {
    throw new TandemError(
      'notice_period',
      `version ${notice.inForce} in force now gives ${notice.noticeDays} days' notice of new terms: effective_from ${toIso(effectiveFrom)} is before ${toIso(notice.earliest)}; pick a later date (or leave it out), or publish a correction with a reason`,
      { notice_days: notice.noticeDays, earliest_effective_from: toIso(notice.earliest) },
    );
  }
  return effectiveFrom;
}

async function insertVersion(
  deps: Deps,
  tx: Tx,
  programId: string,
  input: Omit<PublishInput, 'program'>,
  checked: Checked,
  actor: string,
): Promise<VersionView> {
  const { now } = checked;
  const effectiveFrom = await effectiveInstant(tx, programId, input, checked);
  const last = await tx
    .selectFrom('program_versions')
    .select((eb) => eb.fn.max('number').as('n'))
    .where('program_id', '=', programId)
    .executeTakeFirst();
  const number = (last?.n === null || last?.n === undefined ? 0 : toNumber(last.n)) + 1;
  const id = deps.ids.next('ver');
  await tx
    .insertInto('program_versions')
    .values({
      id,
      program_id: programId,
      number,
      effective_from: effectiveFrom,
      published_at: now,
      correction: input.correction ? 1 : 0,
      reason: input.reason ?? null,
      document: jsonIn(checked.document),
    })
    .execute();
  // Only events on or after the effective date can change; normally there are none.
  const marked = await markCustomersWithEventsSince(tx, effectiveFrom, now);
  // A correction can also change the bonuses of periods that have already ended,
  // and integrations' grants and closed usage months.
  if (effectiveFrom < now) {
    await markEndedBonusPeriodsSince(tx, programId, effectiveFrom, now);
    await markIntegrationUnits(tx, await integrationsOf(tx, programId), effectiveFrom, now);
  }
  await audit(deps, tx, {
    actor,
    action: input.correction ? 'program.correction_published' : 'program.version_published',
    subject: programId,
    data: {
      version_id: id,
      number,
      effective_from: toIso(effectiveFrom),
      reason: input.reason,
      rederive: marked,
    },
  });
  const view = await getProgramIn(tx, programId, now);
  return view?.versions.find((v) => v.id === id) as VersionView;
}

export async function findProgram(
  db: Db | Tx,
  idOrKey: string,
): Promise<{ id: string; key: string; name: string }> {
  const p = await db
    .selectFrom('programs')
    .select(['id', 'key', 'name'])
    .where((eb) => eb.or([eb('id', '=', idOrKey), eb('key', '=', idOrKey)]))
    .executeTakeFirst();
  if (!p) throw new TandemError('program_not_found', `no program "${idOrKey}"`);
  return p;
}

export async function getProgram(deps: Deps, idOrKey: string): Promise<ProgramView> {
  const p = await findProgram(deps.store.db, idOrKey);
  return (await getProgramIn(deps.store.db, p.id, deps.clock.now())) as ProgramView;
}

export async function listPrograms(deps: Deps): Promise<ProgramView[]> {
  const rows = await deps.store.db
    .selectFrom('programs')
    .select('id')
    .orderBy('created_at')
    .execute();
  const out: ProgramView[] = [];
  for (const r of rows)
    out.push((await getProgramIn(deps.store.db, r.id, deps.clock.now())) as ProgramView);
  return out;
}

/** A program with every version and where each stands at `now`; undefined if there is none. */
export async function getProgramIn(
  db: Db | Tx,
  id: string,
  now: number,
): Promise<ProgramView | undefined> {
  const p = await db.selectFrom('programs').selectAll().where('id', '=', id).executeTakeFirst();
  if (!p) return undefined;
  const rows = await db
    .selectFrom('program_versions')
    .selectAll()
    .where('program_id', '=', id)
    .orderBy('number')
    .execute();
  const schedule = rows.map((v) => ({
    number: toNumber(v.number),
    effectiveFrom: toNumber(v.effective_from),
  }));
  const status = versionStatuses(schedule, now);
  const views: VersionView[] = rows.map((v) => ({
    id: v.id,
    number: toNumber(v.number),
    effective_from: toIso(toNumber(v.effective_from)),
    published_at: toIso(toNumber(v.published_at)),
    correction: toBool(v.correction),
    reason: v.reason,
    status: status.get(toNumber(v.number)) as VersionStatus,
    terms: jsonOut(v.document),
  }));
  const upcoming = schedule
    .filter((v) => status.get(v.number) === 'upcoming')
    .sort((a, b) => a.effectiveFrom - b.effectiveFrom || a.number - b.number);
  return {
    id: p.id,
    key: p.key,
    name: p.name,
    created_at: toIso(toNumber(p.created_at)),
    current_version: versionInForce(schedule, now)?.number ?? null,
    upcoming_versions: upcoming.map((v) => v.number),
    versions: views,
  };
}
