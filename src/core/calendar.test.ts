import { describe, expect, it } from 'vitest';
import {
  ANONYMOUS_CONFLICT,
  type CalendarCampaign,
  type CalendarWorld,
  calendarItems,
  campaignConflicts,
  describeItem,
  isoWeekKey,
  isoWeeks,
} from './calendar.js';
import { compileTerms, parseTerms } from './program-terms.js';
import type { ProgramVersion } from './program-version.js';

const at = (iso: string) => Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso);

const campaign = (over: Partial<CalendarCampaign> & { id: string }): CalendarCampaign => ({
  programId: 'prg_co',
  code: over.id.toUpperCase(),
  name: `Campaign ${over.id}`,
  segment: 'home-garden',
  channels: ['email'],
  status: 'approved',
  startsAt: at('2026-03-02'),
  endsAt: at('2026-03-09'),
  partners: [{ partnerId: 'prt_a', role: 'lead' }],
  ...over,
});

const version = (number: number, effectiveFrom: string, doc: object): ProgramVersion => ({
  id: `ver_${number}`,
  programId: 'prg_co',
  number,
  effectiveFrom: at(effectiveFrom),
  publishedAt: at(effectiveFrom),
  correction: false,
  terms: compileTerms(parseTerms({ currency: 'USD', rewards: [], ...doc })),
});

describe('ISO weeks', () => {
  it('names the ISO week (Monday to Sunday, UTC) with the year of its Thursday', () => {
    expect(isoWeekKey(at('2026-03-02'))).toBe('2026-W10'); // a Monday
    expect(isoWeekKey(at('2026-03-08T23:59:59.999Z'))).toBe('2026-W10'); // its Sunday
    expect(isoWeekKey(at('2026-03-09'))).toBe('2026-W11');
    expect(isoWeekKey(at('2026-01-01'))).toBe('2026-W01'); // a Thursday
    expect(isoWeekKey(at('2024-12-30'))).toBe('2025-W01'); // Monday of 2025's first week
    expect(isoWeekKey(at('2027-01-01'))).toBe('2026-W53'); // 2026 has 53 weeks
    expect(isoWeekKey(at('2021-01-03'))).toBe('2020-W53'); // a Sunday
  });

  it('lists the weeks a window touches, its end exclusive', () => {
    expect(isoWeeks(at('2026-03-02'), at('2026-03-30'))).toEqual([
      '2026-W10',
      '2026-W11',
      '2026-W12',
      '2026-W13',
    ]);
    expect(isoWeeks(at('2026-03-02'), at('2026-03-30') + 1)).toHaveLength(5);
    expect(isoWeeks(at('2026-03-08T12:00:00Z'), at('2026-03-09T12:00:00Z'))).toEqual([
      '2026-W10',
      '2026-W11',
    ]);
    expect(isoWeeks(at('2026-12-28'), at('2027-01-12'))).toEqual([
      '2026-W53',
      '2027-W01',
      '2027-W02',
    ]);
    expect(isoWeeks(at('2026-03-02'), at('2026-03-02'))).toEqual([]);
  });
});

describe('campaignConflicts', () => {
  it('flags two campaigns of one segment whose windows touch the same week, both ways', () => {
    const a = campaign({ id: 'a' }); // Mon 2 – Sun 8 March: 2026-W10
    const b = campaign({
      id: 'b',
      startsAt: at('2026-03-08T12:00:00Z'), // Sunday of W10
      endsAt: at('2026-03-13'),
      partners: [{ partnerId: 'prt_b', role: 'lead' }],
    });
    const found = campaignConflicts([a, b]);
    expect(found.get('a')).toEqual([{ campaignId: 'b', weeks: ['2026-W10'] }]);
    expect(found.get('b')).toEqual([{ campaignId: 'a', weeks: ['2026-W10'] }]);
  });

  it('does not flag adjacent weeks', () => {
    const a = campaign({ id: 'a' }); // ends Monday 9 March 00:00, exclusive
    const b = campaign({ id: 'b', startsAt: at('2026-03-09'), endsAt: at('2026-03-13') });
    expect(campaignConflicts([a, b]).size).toBe(0);
  });

  it('compares segments trimmed and case-insensitively, within one program, for campaigns that may still run', () => {
    const a = campaign({ id: 'a', segment: 'Home-Garden ' });
    expect(campaignConflicts([a, campaign({ id: 'b' })]).get('a')?.[0]?.campaignId).toBe('b');
    for (const other of [
      campaign({ id: 'c', segment: 'pets' }),
      campaign({ id: 'd', segment: null }),
      campaign({ id: 'e', programId: 'prg_other' }),
      campaign({ id: 'f', status: 'cancelled' }),
      campaign({ id: 'g', status: 'rejected' }),
      campaign({ id: 'h', status: 'completed' }),
    ])
      expect(campaignConflicts([a, other]).size, other.id).toBe(0);
    // Without segments nothing is known about the audience: no conflict.
    expect(
      campaignConflicts([
        campaign({ id: 'x', segment: null }),
        campaign({ id: 'y', segment: null }),
      ]).size,
    ).toBe(0);
    // Proposed and live ones do conflict.
    const live = campaign({ id: 'l', status: 'live' });
    const proposed = campaign({ id: 'p', status: 'proposed' });
    expect(campaignConflicts([live, proposed]).get('l')).toEqual([
      { campaignId: 'p', weeks: ['2026-W10'] },
    ]);
  });
});

describe('calendarItems', () => {
  const program = {
    id: 'prg_co',
    key: 'co',
    name: 'Co-marketing',
    versions: [
      version(1, '2026-01-01', {
        accelerators: [
          {
            id: 'spring',
            name: 'Spring boost',
            from: '2026-03-01',
            to: '2026-06-01',
            multiplier: 1.5,
          },
          { id: 'april', from: '2026-04-01', to: '2026-05-01', multiplier: 2 },
        ],
        payouts: { period: 'month', schedule: { day_of_month: 5 } },
      }),
      // v2 from 15 April keeps "spring" unchanged, drops "april", pays quarterly 10 days after.
      version(2, '2026-04-15', {
        accelerators: [
          {
            id: 'spring',
            name: 'Spring boost',
            from: '2026-03-01',
            to: '2026-06-01',
            multiplier: 1.5,
          },
        ],
        payouts: { period: 'quarter', schedule: { net_days: 10 } },
      }),
    ],
  };
  const other = { id: 'prg_other', key: 'other', name: 'Other', versions: [] };
  const world: CalendarWorld = {
    programs: [program, other],
    campaigns: [
      campaign({ id: 'a', name: 'Acme spring webinars' }),
      campaign({
        id: 'b',
        name: 'Bolt garden push',
        startsAt: at('2026-03-06'),
        endsAt: at('2026-03-20'),
        partners: [{ partnerId: 'prt_b', role: 'lead' }],
      }),
      campaign({
        id: 'ab',
        name: 'Joint launch',
        segment: 'pets',
        status: 'proposed',
        partners: [
          { partnerId: 'prt_a', role: 'lead' },
          { partnerId: 'prt_b', role: 'member' },
        ],
      }),
    ],
    partnerNames: new Map([
      ['prt_a', 'Acme Media'],
      ['prt_b', 'Bolt Agency'],
    ]),
    payoutRuns: [{ id: 'run_1', programId: 'prg_co', period: '2026-02', status: 'canceled' }],
  };
  const range = { from: at('2026-02-01'), to: at('2026-08-01') };
  const ops = calendarItems(world, { ...range, asPartner: false });
  const byKind = (items: typeof ops, kind: string) => items.filter((i) => i.kind === kind);

  it('cuts accelerator windows where their version stops being in force, and keeps one item for an unchanged window', () => {
    const acc = byKind(ops, 'accelerator').map((i) => [i.title, i.startsAt, i.endsAt]);
    expect(acc).toEqual([
      ['Spring boost ×1.5 (Co-marketing)', at('2026-03-01'), at('2026-06-01')],
      ['april ×2 (Co-marketing)', at('2026-04-01'), at('2026-04-15')],
    ]);
  });

  it('shows each version taking effect, and payout dates by the schedule in force', () => {
    expect(byKind(ops, 'program_version').map((i) => [i.title, i.startsAt])).toEqual([
      ['Co-marketing: terms v2 take effect', at('2026-04-15')],
    ]);
    // Monthly on the 5th under v1 (January, February, March), then quarterly +10 days under v2.
    const payouts = byKind(ops, 'payout');
    expect(payouts.map((i) => [i.details.period, i.startsAt, i.endsAt, i.status])).toEqual([
      ['2026-01', at('2026-02-05'), at('2026-02-06'), 'confirmed'],
      ['2026-02', at('2026-03-05'), at('2026-03-06'), 'cancelled'],
      ['2026-03', at('2026-04-05'), at('2026-04-06'), 'confirmed'],
      ['2026-Q2', at('2026-07-11'), at('2026-07-12'), 'confirmed'],
    ]);
    expect(payouts.every((i) => i.allDay)).toBe(true);
    expect(payouts[1]?.details.run).toEqual({ id: 'run_1', status: 'canceled' });
  });

  it('the operator sees every campaign, with partners and conflicts named', () => {
    const a = ops.find((i) => i.id === 'a');
    expect(a?.conflicts).toEqual([
      { campaign_id: 'b', name: 'Bolt garden push', weeks: ['2026-W10'] },
    ]);
    expect(byKind(ops, 'campaign').map((i) => i.id)).toEqual(['a', 'ab', 'b']);
    expect(ops.find((i) => i.id === 'ab')?.status).toBe('tentative');
    expect(describeItem(a as (typeof ops)[number])).toContain(
      '⚠ conflict: Bolt garden push (b) in 2026-W10',
    );
  });

  it("a partner sees its own campaigns only, no other partner's name, and anonymous conflicts", () => {
    const asA = calendarItems(world, {
      ...range,
      partner: { id: 'prt_a', programIds: new Set(['prg_co']) },
      asPartner: true,
    });
    expect(byKind(asA, 'campaign').map((i) => i.id)).toEqual(['a', 'ab']);
    expect(asA.find((i) => i.id === 'a')?.conflicts).toEqual([
      { with: ANONYMOUS_CONFLICT, weeks: ['2026-W10'] },
    ]);
    expect(asA.find((i) => i.id === 'ab')?.details.partners).toEqual([
      { partner_id: 'prt_a', name: 'Acme Media', role: 'lead' },
    ]);
    const text = JSON.stringify(asA) + asA.flatMap(describeItem).join('\n');
    expect(text).not.toContain('Bolt');
    expect(text).not.toContain('prt_b');
    // The operator filtering by partner sees the same items, names included.
    const opsForA = calendarItems(world, {
      ...range,
      partner: { id: 'prt_a', programIds: new Set(['prg_co']) },
      asPartner: false,
    });
    expect(opsForA.map((i) => i.id)).toEqual(asA.map((i) => i.id));
    expect(opsForA.find((i) => i.id === 'a')?.conflicts[0]).toMatchObject({ campaign_id: 'b' });
  });

  it('a partner sees no dates of programs it is not enrolled in, and the range and program filter apply', () => {
    const notEnrolled = calendarItems(world, {
      ...range,
      partner: { id: 'prt_a', programIds: new Set() },
      asPartner: true,
    });
    expect(notEnrolled.map((i) => i.kind)).toEqual(['campaign', 'campaign']);
    const march = calendarItems(world, {
      from: at('2026-03-10'),
      to: at('2026-03-20'),
      asPartner: false,
    });
    expect(march.map((i) => i.id)).toEqual(['prg_co.spring.20260301T000000Z', 'b']);
    expect(calendarItems(world, { ...range, asPartner: false, programId: 'prg_other' })).toEqual(
      [],
    );
  });
});
