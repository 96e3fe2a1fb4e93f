import { periodOf } from './bonuses.js';
import type { CampaignChannel, CampaignStatus } from './campaign.js';
import { describeCondition } from './describe-condition.js';
import { formatFactor } from './factor.js';
import { payoutDueAt } from './payout-terms.js';
import { type ProgramVersion, versionInForce } from './program-version.js';
import { addDays, addMonths, DAY_MS } from './time.js';

/**
 * The shared calendar (issue 6): campaigns, accelerator windows, program
 * version changes and payout dates of the programs a viewer may see, with
 * campaigns that compete for the same segment in the same ISO week flagged.
 * Pure: the engine loads the world, this decides what is on the calendar and
 * what the viewer may read of it.
 */
export type CalendarKind = 'campaign' | 'accelerator' | 'program_version' | 'payout';
export type CalendarStatus = 'tentative' | 'confirmed' | 'cancelled';

/** Another campaign planned for the same segment in the same weeks. */
export type CalendarConflict =
  | { campaign_id: string; name: string; weeks: string[] }
  /** Another partner's campaign, which a partner may know exists but not whose or what. */
  | { with: string; weeks: string[] };

export interface CalendarItem {
  kind: CalendarKind;
  /** Stable across reads: the calendar feed's UIDs are built from it. */
  id: string;
  title: string;
  startsAt: number;
  /** Exclusive; equal to startsAt for a moment (a version taking effect). */
  endsAt: number;
  /** A whole UTC day (payout dates); otherwise instants. */
  allDay: boolean;
  programId: string;
  status: CalendarStatus;
  details: Record<string, unknown>;
  conflicts: CalendarConflict[];
}

export interface CalendarCampaign {
  id: string;
  programId: string;
  code: string;
  name: string;
  segment: string | null;
  channels: readonly CampaignChannel[];
  status: CampaignStatus;
  startsAt: number;
  endsAt: number;
  partners: readonly { partnerId: string; role: 'lead' | 'member' }[];
}

export interface CalendarWorld {
  programs: readonly {
    id: string;
    key: string;
    name: string;
    versions: readonly ProgramVersion[];
  }[];
  /** Every campaign (of the program asked for): conflicts are found among all of them. */
  campaigns: readonly CalendarCampaign[];
  partnerNames: ReadonlyMap<string, string>;
  payoutRuns: readonly { id: string; programId: string; period: string; status: string }[];
}

export interface CalendarQuery {
  from: number;
  to: number;
  /** Whose calendar: that partner's campaigns and the programs it is enrolled in; absent: everything. */
  partner?: { id: string; programIds: ReadonlySet<string> } | undefined;
  /** The partner reads it itself: other partners' campaigns are never named. */
  asPartner: boolean;
  programId?: string | undefined;
}

/** What a partner is told about another partner's campaign it collides with. */
export const ANONYMOUS_CONFLICT = 'another campaign for the same segment';

/** Conflicts count only between campaigns that may still run. */
const CONFLICTING: readonly CampaignStatus[] = ['proposed', 'approved', 'live'];

/** "2026-W10": the ISO 8601 week (Monday to Sunday, UTC) of an instant, with its ISO year. */
export function isoWeekKey(at: number): string {
  const day = Math.floor(at / DAY_MS) * DAY_MS;
  const weekday = (new Date(day).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  // The week belongs to the year of its Thursday.
  const thursday = addDays(day, 3 - weekday);
  const year = new Date(thursday).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * DAY_MS)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The ISO weeks a window [startsAt, endsAt) touches, in order (none if it is empty). */
export function isoWeeks(startsAt: number, endsAt: number): string[] {
  if (!(endsAt > startsAt)) return [];
  const last = isoWeekKey(endsAt - 1);
  const weeks: string[] = [];
  for (let at = startsAt; ; at = addDays(at, 7)) {
    const key = isoWeekKey(at);
    weeks.push(key);
    if (key === last) return weeks;
  }
}

const segmentKey = (s: string | null) => (s === null ? '' : s.trim().toLowerCase());

/**
 * Pairs of campaigns that compete for one audience: same program, same
 * segment (compared trimmed and case-insensitively; campaigns without a
 * segment never conflict), both proposed, approved or live, and windows that
 * share at least one ISO week. Returns, per campaign id, the campaigns it
 * collides with and the shared weeks.
 *
 * @example
 * // A: Mon 2 – Sun 8 March, B: Sun 8 – Fri 13 March → both flagged for 2026-W10.
 * // B moved to Mon 9 – Fri 13 March (the adjacent week) → no conflict.
 */
export function campaignConflicts(
  campaigns: readonly CalendarCampaign[],
): Map<string, { campaignId: string; weeks: string[] }[]> {
  const out = new Map<string, { campaignId: string; weeks: string[] }[]>();
  const groups = new Map<string, { c: CalendarCampaign; weeks: Set<string> }[]>();
  for (const c of campaigns) {
    if (!CONFLICTING.includes(c.status) || segmentKey(c.segment) === '') continue;
    const key = `${c.programId}\u001f${segmentKey(c.segment)}`;
    const list = groups.get(key) ?? [];
    list.push({ c, weeks: new Set(isoWeeks(c.startsAt, c.endsAt)) });
    groups.set(key, list);
  }
  const add = (id: string, other: string, weeks: string[]) => {
    const list = out.get(id) ?? [];
    list.push({ campaignId: other, weeks });
    out.set(id, list);
  };
  for (const list of groups.values())
    for (let i = 0; i < list.length; i++)
      for (let j = i + 1; j < list.length; j++) {
        const a = list[i] as (typeof list)[number];
        const b = list[j] as (typeof list)[number];
        const shared = [...a.weeks].filter((w) => b.weeks.has(w));
        if (shared.length === 0) continue;
        add(a.c.id, b.c.id, shared);
        add(b.c.id, a.c.id, shared);
      }
  return out;
}

const campaignStatus = (s: CampaignStatus): CalendarStatus =>
  s === 'proposed'
    ? 'tentative'
    : s === 'rejected' || s === 'cancelled'
      ? 'cancelled'
      : 'confirmed';

/** "20260302T000000Z": an instant in item ids. */
const stamp = (at: number) =>
  new Date(at)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');

/**
 * The intervals in which each version is in force (`versionInForce`): a
 * version is superseded by the next effective date; of versions effective at
 * the same instant only the latest published (a correction) is ever in force.
 */
export function versionsInForce(
  versions: readonly ProgramVersion[],
): { version: ProgramVersion; from: number; to: number }[] {
  const winners = new Map<number, ProgramVersion>();
  for (const v of versions) {
    const w = winners.get(v.effectiveFrom);
    if (!w || v.number > w.number) winners.set(v.effectiveFrom, v);
  }
  const sorted = [...winners.values()].sort((a, b) => a.effectiveFrom - b.effectiveFrom);
  return sorted.map((version, i) => ({
    version,
    from: version.effectiveFrom,
    to: sorted[i + 1]?.effectiveFrom ?? Number.POSITIVE_INFINITY,
  }));
}

type Program = CalendarWorld['programs'][number];

/**
 * Accelerator windows as they apply: an accelerator boosts events under the
 * version that carries it, so its window is cut where that version stops
 * being in force; a window carried unchanged by consecutive versions is one
 * item.
 */
function acceleratorItems(p: Program): CalendarItem[] {
  const pieces: {
    a: ProgramVersion['terms']['accelerators'][number];
    v: number;
    s: number;
    e: number;
  }[] = [];
  for (const { version, from, to } of versionsInForce(p.versions))
    for (const a of version.terms.accelerators) {
      const s = Math.max(a.from, from);
      const e = Math.min(a.to, to);
      if (s < e) pieces.push({ a, v: version.number, s, e });
    }
  pieces.sort((x, y) => (x.a.id < y.a.id ? -1 : x.a.id > y.a.id ? 1 : x.s - y.s));
  const merged: (typeof pieces)[number][] = [];
  for (const piece of pieces) {
    const last = merged[merged.length - 1];
    if (
      last &&
      last.a.id === piece.a.id &&
      last.e === piece.s &&
      last.a.from === piece.a.from &&
      last.a.to === piece.a.to &&
      last.a.factor === piece.a.factor
    )
      last.e = piece.e;
    else merged.push({ ...piece });
  }
  return merged.map(({ a, v, s, e }) => ({
    kind: 'accelerator',
    id: `${p.id}.${a.id}.${stamp(s)}`,
    title: `${a.name ?? a.id} ×${formatFactor(a.factor)} (${p.name})`,
    startsAt: s,
    endsAt: e,
    allDay: false,
    programId: p.id,
    status: 'confirmed',
    details: {
      accelerator_id: a.id,
      name: a.name ?? null,
      multiplier: formatFactor(a.factor),
      applies_when: a.when ? describeCondition(a.when) : null,
      rules: a.rules ? [...a.rules] : null,
      version: v,
      program_name: p.name,
    },
    conflicts: [],
  }));
}

function versionItems(p: Program): CalendarItem[] {
  return versionsInForce(p.versions).map(({ version: v }) => ({
    kind: 'program_version',
    id: v.id,
    title: `${p.name}: terms v${v.number} take effect`,
    startsAt: v.effectiveFrom,
    endsAt: v.effectiveFrom,
    allDay: false,
    programId: p.id,
    status: 'confirmed',
    details: {
      version: v.number,
      program_key: p.key,
      program_name: p.name,
      correction: v.correction,
    },
    conflicts: [],
  }));
}

/** Net days are at most 120: a period ending this long before `from` can still be due in range. */
const LONGEST_WAIT_DAYS = 121;

/**
 * Payout dates due in [from, to): for every period that ended while the
 * program had terms, the day its run is due under the terms in force when
 * the period ends (`payouts.schedule`), with the run already created for it.
 * A period whose only runs were canceled is shown cancelled.
 */
function payoutItems(p: Program, runs: CalendarWorld['payoutRuns'], from: number, to: number) {
  const items: CalendarItem[] = [];
  const first = periodOf('month', addDays(from, -LONGEST_WAIT_DAYS)).start;
  for (let end = first; end < to; end = addMonths(end, 1)) {
    // The program had terms during the period, and these govern its payout.
    if (!versionInForce(p.versions, end - 1)) continue;
    const terms = (versionInForce(p.versions, end) ?? versionInForce(p.versions, end - 1))?.terms
      .payouts;
    if (!terms) continue;
    if (terms.period === 'quarter' && new Date(end).getUTCMonth() % 3 !== 0) continue;
    const due = payoutDueAt(terms, end);
    if (due < from || due >= to) continue;
    const period = periodOf(terms.period, end - 1).key;
    const ofPeriod = runs.filter((r) => r.programId === p.id && r.period === period);
    const run = ofPeriod.find((r) => r.status !== 'canceled') ?? ofPeriod[0];
    items.push({
      kind: 'payout',
      id: `${p.id}.${period}`,
      title: `${p.name}: payout for ${period}`,
      startsAt: due,
      endsAt: addDays(due, 1),
      allDay: true,
      programId: p.id,
      status: run?.status === 'canceled' ? 'cancelled' : 'confirmed',
      details: {
        period,
        program_name: p.name,
        schedule:
          'dayOfMonth' in terms.schedule
            ? { day_of_month: terms.schedule.dayOfMonth }
            : { net_days: terms.schedule.netDays },
        auto_create: terms.autoCreate,
        run: run ? { id: run.id, status: run.status } : null,
      },
      conflicts: [],
    });
  }
  return items;
}

const inRange = (i: CalendarItem, from: number, to: number) =>
  i.startsAt < to && (i.endsAt > from || (i.startsAt >= from && i.endsAt === i.startsAt));

/**
 * The calendar a viewer may see in [from, to), ordered by start. With
 * `partner`: the campaigns that partner runs (any status) and the
 * accelerators, version changes and payout dates of the programs it is
 * enrolled in. `asPartner` (the partner reading its own calendar) names no
 * other partner: campaign partners list only itself, and a conflict with a
 * campaign it does not run says only {@link ANONYMOUS_CONFLICT}.
 */
export function calendarItems(world: CalendarWorld, q: CalendarQuery): CalendarItem[] {
  const seesProgram = (id: string) =>
    (!q.programId || q.programId === id) && (!q.partner || q.partner.programIds.has(id));
  const runs = (c: CalendarCampaign) =>
    !q.partner || c.partners.some((m) => m.partnerId === q.partner?.id);
  const mine = (c: CalendarCampaign) =>
    !q.asPartner || c.partners.some((m) => m.partnerId === q.partner?.id);
  const byId = new Map(world.campaigns.map((c) => [c.id, c]));
  const conflicts = campaignConflicts(world.campaigns);
  const items: CalendarItem[] = [];

  for (const c of world.campaigns) {
    if ((q.programId && c.programId !== q.programId) || !runs(c)) continue;
    const partners = c.partners
      .filter((m) => !q.asPartner || m.partnerId === q.partner?.id)
      .map((m) => ({
        partner_id: m.partnerId,
        name: world.partnerNames.get(m.partnerId) ?? m.partnerId,
        role: m.role,
      }));
    items.push({
      kind: 'campaign',
      id: c.id,
      title: c.name,
      startsAt: c.startsAt,
      endsAt: c.endsAt,
      allDay: false,
      programId: c.programId,
      status: campaignStatus(c.status),
      details: {
        code: c.code,
        status: c.status,
        segment: c.segment,
        channels: [...c.channels],
        partners,
      },
      conflicts: (conflicts.get(c.id) ?? []).map(({ campaignId, weeks }) => {
        const other = byId.get(campaignId) as CalendarCampaign;
        return mine(other)
          ? { campaign_id: other.id, name: other.name, weeks }
          : { with: ANONYMOUS_CONFLICT, weeks };
      }),
    });
  }
  for (const p of world.programs) {
    if (!seesProgram(p.id)) continue;
    items.push(...acceleratorItems(p), ...versionItems(p));
    items.push(...payoutItems(p, world.payoutRuns, q.from, q.to));
  }
  return items
    .filter((i) => inRange(i, q.from, q.to))
    .sort(
      (a, b) =>
        a.startsAt - b.startsAt ||
        a.endsAt - b.endsAt ||
        a.kind.localeCompare(b.kind) ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
}

/**
 * The item for people, one line per fact: what the feed's DESCRIPTION says.
 * Conflicts read "⚠ conflict: …" with the weeks they share.
 */
export function describeItem(i: CalendarItem): string[] {
  const d = i.details as Record<string, unknown>;
  const lines: string[] = [];
  if (i.kind === 'campaign') {
    const partners = d.partners as { name: string; role: string }[];
    lines.push(`Campaign ${d.code} — status: ${d.status}`);
    lines.push(
      `Partners: ${partners.map((m) => (m.role === 'lead' ? `${m.name} (lead)` : m.name)).join(', ')}`,
    );
    lines.push(`Channels: ${(d.channels as string[]).join(', ')}`);
    if (d.segment) lines.push(`Segment: ${d.segment}`);
    for (const c of i.conflicts)
      lines.push(
        `⚠ conflict: ${'name' in c ? `${c.name} (${c.campaign_id})` : c.with} in ${c.weeks.join(', ')}`,
      );
  } else if (i.kind === 'accelerator') {
    lines.push(`Accelerator ${d.accelerator_id}: rewards ×${d.multiplier} in ${d.program_name}`);
    if (d.applies_when) lines.push(`Applies when ${d.applies_when}`);
    if (d.rules) lines.push(`Rules: ${(d.rules as string[]).join(', ')}`);
    lines.push(`Terms version ${d.version}`);
  } else if (i.kind === 'program_version') {
    lines.push(
      `Version ${d.version} of ${d.program_name}'s terms takes effect${d.correction ? ' (a correction)' : ''}`,
    );
  } else {
    const run = d.run as { id: string; status: string } | null;
    lines.push(`Payout run of ${d.program_name} for ${d.period}`);
    lines.push(run ? `Run ${run.id}: ${run.status}` : 'Run: not created yet');
  }
  return lines;
}
