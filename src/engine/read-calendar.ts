import {
  type CalendarConflict,
  type CalendarItem,
  type CalendarKind,
  type CalendarStatus,
  calendarItems,
} from '../core/calendar.js';
import { TandemError } from '../core/errors.js';
import { addDays, toIso } from '../core/time.js';
import { loadCampaigns } from './campaigns.js';
import { loadPrograms } from './load-programs.js';
import { enrolledProgramIds, findPartner } from './partners.js';
import { findProgram } from './programs.js';
import type { Db, Tx } from './transaction.js';

/** The JSON calendar's default range, around now. */
export const DEFAULT_PAST_DAYS = 30;
export const DEFAULT_FUTURE_DAYS = 180;
/** The longest range one read may ask for. */
export const MAX_RANGE_DAYS = 3 * 366;

export interface CalendarItemView {
  kind: CalendarKind;
  id: string;
  title: string;
  starts_at: string;
  ends_at: string;
  all_day: boolean;
  program_id: string;
  status: CalendarStatus;
  details: Record<string, unknown>;
  conflicts: CalendarConflict[];
}

export const calendarItemView = (i: CalendarItem): CalendarItemView => ({
  kind: i.kind,
  id: i.id,
  title: i.title,
  starts_at: toIso(i.startsAt),
  ends_at: toIso(i.endsAt),
  all_day: i.allDay,
  program_id: i.programId,
  status: i.status,
  details: i.details,
  conflicts: i.conflicts,
});

export interface CalendarRead {
  from: number;
  to: number;
  /** Whose calendar (that partner's campaigns and programs); absent: everything. */
  partnerId?: string | undefined;
  /** The partner reads its own calendar: other partners are never named. */
  asPartner: boolean;
  /** A program id or key. */
  program?: string | undefined;
}

/**
 * The shared calendar of [from, to): campaigns, accelerator windows, version
 * changes and payout dates that the reader may see (see `calendarItems`),
 * with campaign conflicts found among all campaigns, whoever runs them.
 * Errors: `validation_failed` (an empty or too long range),
 * `partner_not_found`, `program_not_found` (also a program the partner is
 * not enrolled in, when a partner reads).
 */
export async function readCalendar(db: Db | Tx, q: CalendarRead): Promise<CalendarItem[]> {
  if (!(q.to > q.from))
    throw new TandemError('validation_failed', 'to must be after from', {
      issues: [{ path: 'querystring.to', message: 'must be after from' }],
    });
  if (q.to - q.from > addDays(0, MAX_RANGE_DAYS))
    throw new TandemError('validation_failed', `ask for at most ${MAX_RANGE_DAYS} days at once`, {
      issues: [{ path: 'querystring.to', message: `at most ${MAX_RANGE_DAYS} days after from` }],
    });
  let partner: { id: string; programIds: Set<string> } | undefined;
  if (q.partnerId !== undefined) {
    await findPartner(db, q.partnerId);
    partner = { id: q.partnerId, programIds: await enrolledProgramIds(db, q.partnerId) };
  }
  let programId: string | undefined;
  if (q.program !== undefined) {
    const p = await findProgram(db, q.program);
    if (q.asPartner && !partner?.programIds.has(p.id))
      throw new TandemError('program_not_found', `no program "${q.program}"`);
    programId = p.id;
  }

  const [programs, names, campaigns] = await Promise.all([
    loadPrograms(db),
    db.selectFrom('programs').select(['id', 'name']).execute(),
    loadCampaigns(db, programId ? { programId } : {}),
  ]);
  const visiblePrograms = programs
    .filter((p) => (!programId || p.id === programId) && (!partner || partner.programIds.has(p.id)))
    .map((p) => p.id);
  const partnerIds = [...new Set(campaigns.flatMap((c) => c.partners.map((m) => m.partnerId)))];
  const [partners, runs] = await Promise.all([
    partnerIds.length
      ? db.selectFrom('partners').select(['id', 'name']).where('id', 'in', partnerIds).execute()
      : [],
    visiblePrograms.length
      ? db
          .selectFrom('payout_runs')
          .select(['id', 'program_id', 'period', 'status'])
          .where('program_id', 'in', visiblePrograms)
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .execute()
      : [],
  ]);
  const nameOf = new Map(names.map((p) => [p.id, p.name]));
  return calendarItems(
    {
      programs: programs.map((p) => ({ ...p, name: nameOf.get(p.id) ?? p.key })),
      campaigns,
      partnerNames: new Map(partners.map((p) => [p.id, p.name])),
      payoutRuns: runs.map((r) => ({
        id: r.id,
        programId: r.program_id,
        period: r.period,
        status: r.status,
      })),
    },
    { from: q.from, to: q.to, partner, asPartner: q.asPartner, programId },
  );
}
