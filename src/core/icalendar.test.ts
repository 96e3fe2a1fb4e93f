import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import {
  escapeText,
  FOLD_OCTETS,
  foldLine,
  formatDate,
  formatDateTime,
  renderICalendar,
  unfold,
} from './icalendar.js';

const octets = (s: string) => new TextEncoder().encode(s).length;

describe('escapeText', () => {
  it('escapes backslash, semicolon, comma and every kind of newline', () => {
    expect(escapeText('a\\b;c,d\ne\r\nf\rg')).toBe('a\\\\b\\;c\\,d\\ne\\nf\\ng');
    expect(escapeText('plain: text')).toBe('plain: text');
  });
});

describe('foldLine', () => {
  it('leaves a line of 75 octets alone', () => {
    const line = `SUMMARY:${'x'.repeat(FOLD_OCTETS - 8)}`;
    expect(octets(line)).toBe(75);
    expect(foldLine(line)).toBe(line);
  });

  it('folds a long UTF-8 line at ≤75 octets without splitting a character, and unfolds back', () => {
    const line = `DESCRIPTION:${'Grüße aus Köln – 🌱 spring € campaign, 春のキャンペーン; '.repeat(8)}`;
    const folded = foldLine(line);
    const physical = folded.split('\r\n');
    expect(physical.length).toBeGreaterThan(5);
    for (const [i, l] of physical.entries()) {
      expect(octets(l), l).toBeLessThanOrEqual(75);
      if (i > 0) expect(l.startsWith(' ')).toBe(true);
      // Each physical line is whole UTF-8 (a split character would not round-trip).
      const bytes = new TextEncoder().encode(l);
      expect(new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toBe(l);
    }
    // Lines are filled: a fold happens only when the next character would not fit.
    for (const l of physical.slice(0, -1)) expect(octets(l)).toBeGreaterThan(75 - 4);
    expect(folded).not.toMatch(/\r\n(?! )/);
    expect(unfold(folded)).toBe(line);
  });
});

describe('renderICalendar', () => {
  const text = renderICalendar({
    prodId: '-//Tandem//Partner calendar//EN',
    name: 'Tandem — Acme Media',
    now: Date.parse('2026-02-15T08:00:00Z'),
    events: [
      {
        uid: 'campaign-cmp_1@tandem',
        start: Date.parse('2026-03-02T09:30:00Z'),
        end: Date.parse('2026-03-30T00:00:00Z'),
        allDay: false,
        summary: 'Spring; webinars, part 1 \\ 2',
        description: `Line one\nLine two: ⚠ conflict, ${'ü'.repeat(60)}`,
        categories: ['campaign'],
        status: 'TENTATIVE',
      },
      {
        uid: 'payout-prg_1.2026-02@tandem',
        start: Date.parse('2026-03-05T00:00:00Z'),
        end: Date.parse('2026-03-06T00:00:00Z'),
        allDay: true,
        summary: 'Payout',
        categories: ['payout'],
        status: 'CONFIRMED',
      },
      {
        uid: 'program-version-ver_2@tandem',
        start: Date.parse('2026-04-15T00:00:00Z'),
        end: Date.parse('2026-04-15T00:00:00Z'),
        allDay: false,
        summary: 'v2',
        categories: ['program-version'],
        status: 'CONFIRMED',
      },
    ],
  });

  it('uses CRLF line endings and UTC date-times or DATE values', () => {
    expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(text).not.toMatch(/[^\r]\n/);
    expect(formatDateTime(Date.parse('2026-03-02T09:30:00.250Z'))).toBe('20260302T093000Z');
    expect(formatDate(Date.parse('2026-03-05T00:00:00Z'))).toBe('20260305');
    const lines = unfold(text).split('\r\n');
    expect(lines).toContain('DTSTART:20260302T093000Z');
    expect(lines).toContain('DTSTART;VALUE=DATE:20260305');
    expect(lines).toContain('DTEND;VALUE=DATE:20260306');
    expect(lines).toContain('SUMMARY:Spring\\; webinars\\, part 1 \\\\ 2');
    // A moment has no DTEND (an event with DTSTART only lasts no time).
    expect(lines.filter((l) => l.startsWith('DTEND')).length).toBe(2);
    for (const l of text.split('\r\n')) expect(octets(l)).toBeLessThanOrEqual(75);
  });

  it('parses back with ical.js to the same values', () => {
    const cal = new ICAL.Component(ICAL.parse(text));
    expect(cal.getFirstPropertyValue('x-wr-calname')).toBe('Tandem — Acme Media');
    const events = cal.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    expect(events.map((e) => e.uid)).toEqual([
      'campaign-cmp_1@tandem',
      'payout-prg_1.2026-02@tandem',
      'program-version-ver_2@tandem',
    ]);
    const [campaign, payout, version] = events as [ICAL.Event, ICAL.Event, ICAL.Event];
    expect(campaign.summary).toBe('Spring; webinars, part 1 \\ 2');
    expect(campaign.description).toBe(`Line one\nLine two: ⚠ conflict, ${'ü'.repeat(60)}`);
    expect(campaign.startDate.toJSDate().toISOString()).toBe('2026-03-02T09:30:00.000Z');
    expect(campaign.endDate.toJSDate().toISOString()).toBe('2026-03-30T00:00:00.000Z');
    expect(campaign.component.getFirstPropertyValue('status')).toBe('TENTATIVE');
    expect(payout.startDate.isDate).toBe(true);
    expect(payout.startDate.toString()).toBe('2026-03-05');
    expect(payout.endDate.toString()).toBe('2026-03-06');
    expect(version.endDate.toJSDate().getTime()).toBe(version.startDate.toJSDate().getTime());
  });
});
