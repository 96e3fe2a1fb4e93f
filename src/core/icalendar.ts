import { type CalendarItem, type CalendarKind, describeItem } from './calendar.js';
import { addDays } from './time.js';

/**
 * iCalendar (RFC 5545) text for the calendar feed: calendar applications
 * subscribe to it. Pure; the engine hands it the items and the time.
 */

/** Escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines. */
export function escapeText(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
}

const octets = (codePoint: number) =>
  codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;

/** Content lines are folded at this many octets (RFC 5545 §3.1), the CRLF not counted. */
export const FOLD_OCTETS = 75;

/**
 * Folds one content line so that no physical line exceeds 75 octets of
 * UTF-8: each continuation starts with a space (which counts), and a
 * character is never split, so every line is valid UTF-8 on its own.
 * Lines are joined with CRLF, without a trailing one.
 */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let size = 0;
  for (const ch of line) {
    const n = octets(ch.codePointAt(0) as number);
    if (size + n > FOLD_OCTETS) {
      out.push(current);
      current = ' ';
      size = 1;
    }
    current += ch;
    size += n;
  }
  out.push(current);
  return out.join('\r\n');
}

/** Undoes folding: a CRLF followed by a space or tab is removed (RFC 5545 §3.1). */
export function unfold(text: string): string {
  return text.replace(/\r\n[ \t]/g, '');
}

/** "20260302T091500Z": a UTC DATE-TIME. */
export function formatDateTime(at: number): string {
  return new Date(at)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/** "20260302": a DATE (the UTC day of `at`). */
export function formatDate(at: number): string {
  return new Date(at).toISOString().slice(0, 10).replace(/-/g, '');
}

export interface VEvent {
  uid: string;
  start: number;
  /** Exclusive; absent for a moment (a DATE-TIME start without end lasts no time). */
  end?: number | undefined;
  /** DATE values: `start` and `end` are UTC midnights. */
  allDay: boolean;
  summary: string;
  description?: string | undefined;
  categories: readonly string[];
  status: 'TENTATIVE' | 'CONFIRMED' | 'CANCELLED';
}

export interface VCalendar {
  prodId: string;
  name: string;
  /** DTSTAMP of every event: when this text was made. */
  now: number;
  events: readonly VEvent[];
}

/** A whole VCALENDAR object: folded content lines, CRLF after each. */
export function renderICalendar(cal: VCalendar): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:${cal.prodId}`,
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(cal.name)}`,
    'REFRESH-INTERVAL;VALUE=DURATION:PT1H',
    'X-PUBLISHED-TTL:PT1H',
  ];
  for (const e of cal.events) {
    const at = (prop: string, t: number) =>
      e.allDay ? `${prop};VALUE=DATE:${formatDate(t)}` : `${prop}:${formatDateTime(t)}`;
    lines.push('BEGIN:VEVENT', `UID:${escapeText(e.uid)}`, `DTSTAMP:${formatDateTime(cal.now)}`);
    lines.push(at('DTSTART', e.start));
    if (e.end !== undefined && e.end > e.start) lines.push(at('DTEND', e.end));
    else if (e.allDay) lines.push(at('DTEND', addDays(e.start, 1)));
    lines.push(`SUMMARY:${escapeText(e.summary)}`);
    if (e.description) lines.push(`DESCRIPTION:${escapeText(e.description)}`);
    if (e.categories.length) lines.push(`CATEGORIES:${e.categories.map(escapeText).join(',')}`);
    lines.push(`STATUS:${e.status}`, 'TRANSP:TRANSPARENT', 'END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
}

export const PRODID = '-//Tandem//Partner calendar//EN';

/** The feed's CATEGORIES value per item kind. */
export const CATEGORY: Record<CalendarKind, string> = {
  campaign: 'campaign',
  accelerator: 'accelerator',
  program_version: 'program-version',
  payout: 'payout',
};

/** The UID of an item's event: the same on every fetch, so applications update it in place. */
export const itemUid = (i: Pick<CalendarItem, 'kind' | 'id'>) =>
  `${CATEGORY[i.kind]}-${i.id}@tandem`;

/** The calendar feed of a set of calendar items (see calendarItems). */
export function renderCalendarFeed(
  items: readonly CalendarItem[],
  opts: { name: string; now: number },
): string {
  return renderICalendar({
    prodId: PRODID,
    name: opts.name,
    now: opts.now,
    events: items.map((i) => ({
      uid: itemUid(i),
      start: i.startsAt,
      end: i.endsAt,
      allDay: i.allDay,
      summary: i.title,
      description: describeItem(i).join('\n'),
      categories: [CATEGORY[i.kind]],
      status:
        i.status === 'tentative'
          ? 'TENTATIVE'
          : i.status === 'cancelled'
            ? 'CANCELLED'
            : 'CONFIRMED',
    })),
  });
}
