import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLOCK_SKEW_MS, chooseTouch } from './attribution.js';
import { compileTerms, type ProgramTermsInput, parseTerms } from './program-terms.js';
import { DAY_MS } from './time.js';
import type { Touch } from './touch.js';

const terms = (attribution: ProgramTermsInput['attribution'] = {}) =>
  compileTerms(parseTerms({ currency: 'USD', attribution, rewards: [] }));

const AT = Date.parse('2026-04-10T12:00:00Z');
const daysBefore = (n: number) => AT - n * DAY_MS;

const touch = (
  partnerId: string,
  kind: Touch['kind'],
  at: number,
  extra: Partial<Touch> = {},
): Touch => ({
  kind,
  programId: 'prg_1',
  partnerId,
  at,
  ref: `${kind}-${partnerId}-${at}`,
  ...extra,
});

describe('chooseTouch', () => {
  it('returns undefined without touches', () => {
    expect(chooseTouch([], 'prg_1', AT, terms())).toBeUndefined();
  });

  it('ignores a touch 91 days before with a 90-day window, keeps one exactly 90 days before', () => {
    expect(
      chooseTouch([touch('P', 'click', daysBefore(91))], 'prg_1', AT, terms()),
    ).toBeUndefined();
    expect(
      chooseTouch([touch('P', 'click', daysBefore(90) - 1)], 'prg_1', AT, terms()),
    ).toBeUndefined();
    expect(
      chooseTouch([touch('P', 'click', daysBefore(90))], 'prg_1', AT, terms())?.touch.partnerId,
    ).toBe('P');
    expect(
      chooseTouch([touch('P', 'click', daysBefore(91))], 'prg_1', AT, terms({ window_days: 120 }))
        ?.touch.partnerId,
    ).toBe('P');
  });

  it('ignores touches after the event beyond the clock-skew tolerance', () => {
    expect(
      chooseTouch([touch('P', 'click', AT + CLOCK_SKEW_MS + 1)], 'prg_1', AT, terms()),
    ).toBeUndefined();
    // A click stamped a moment after the signup that quotes it still counts (clocks differ).
    expect(
      chooseTouch([touch('P', 'click', AT + 1500)], 'prg_1', AT, terms())?.touch.partnerId,
    ).toBe('P');
    expect(chooseTouch([touch('P', 'click', AT)], 'prg_1', AT, terms())?.touch.partnerId).toBe('P');
  });

  it('ignores touches of other programs', () => {
    const other = touch('Q', 'coupon', daysBefore(1), { programId: 'prg_2' });
    const r = chooseTouch([other, touch('P', 'click', daysBefore(5))], 'prg_1', AT, terms());
    expect(r?.touch.partnerId).toBe('P');
    expect(r?.reason.candidates).toBe(1);
    expect(chooseTouch([other], 'prg_1', AT, terms())).toBeUndefined();
  });

  it('a coupon beats a later click by default priority', () => {
    const r = chooseTouch(
      [touch('C', 'coupon', daysBefore(30)), touch('K', 'click', daysBefore(1))],
      'prg_1',
      AT,
      terms(),
    );
    expect(r?.touch.partnerId).toBe('C');
    expect(r?.reason.rule).toBe('coupon has priority; latest coupon within 90 days wins');
  });

  it('a referral code beats a click, and a custom priority puts clicks first', () => {
    const ts = [touch('R', 'referral_code', daysBefore(10)), touch('K', 'click', daysBefore(1))];
    expect(chooseTouch(ts, 'prg_1', AT, terms())?.touch.partnerId).toBe('R');
    expect(
      chooseTouch(ts, 'prg_1', AT, terms({ priority: ['click', 'referral_code'] }))?.touch
        .partnerId,
    ).toBe('K');
  });

  it('a kind missing from the priority list never attributes', () => {
    expect(
      chooseTouch(
        [touch('K', 'click', daysBefore(1))],
        'prg_1',
        AT,
        terms({ priority: ['coupon'] }),
      ),
    ).toBeUndefined();
  });

  it('a high-priority touch outside the window does not block a lower-priority one inside', () => {
    const ts = [touch('C', 'coupon', daysBefore(100)), touch('K', 'click', daysBefore(1))];
    expect(chooseTouch(ts, 'prg_1', AT, terms())?.touch.partnerId).toBe('K');
  });

  it('last touch takes the latest of the winning kind, first touch the earliest', () => {
    const ts = [
      touch('B', 'click', daysBefore(5)),
      touch('A', 'click', daysBefore(20)),
      touch('C', 'click', daysBefore(2)),
    ];
    expect(chooseTouch(ts, 'prg_1', AT, terms())?.touch.partnerId).toBe('C');
    expect(chooseTouch(ts, 'prg_1', AT, terms({ model: 'first_touch' }))?.touch.partnerId).toBe(
      'A',
    );
  });

  it('breaks ties at the same instant by ref, whatever the input order', () => {
    const t = daysBefore(3);
    const a = touch('A', 'click', t, { ref: 'clk_a' });
    const b = touch('B', 'click', t, { ref: 'clk_b' });
    expect(chooseTouch([a, b], 'prg_1', AT, terms())?.touch.partnerId).toBe('B');
    expect(chooseTouch([b, a], 'prg_1', AT, terms())?.touch.partnerId).toBe('B');
    expect(chooseTouch([b, a], 'prg_1', AT, terms({ model: 'first_touch' }))?.touch.partnerId).toBe(
      'A',
    );
  });

  it('explains its choice', () => {
    const r = chooseTouch(
      [
        touch('P', 'click', Date.parse('2026-04-01T08:00:00Z'), { ref: 'clk_9', linkId: 'lnk_1' }),
        touch('X', 'click', daysBefore(200)),
      ],
      'prg_1',
      AT,
      terms(),
    );
    expect(r?.reason).toEqual({
      model: 'last_touch',
      window_days: 90,
      priority: ['coupon', 'referral_code', 'click', 'campaign'],
      touch: { kind: 'click', ref: 'clk_9', at: '2026-04-01T08:00:00.000Z', link_id: 'lnk_1' },
      candidates: 1,
      rule: 'click has priority; latest click within 90 days wins',
    });
  });

  it('does not reorder the caller’s array and ignores input order (property)', () => {
    const arbTouch = fc.record({
      kind: fc.constantFrom('coupon' as const, 'referral_code' as const, 'click' as const),
      programId: fc.constantFrom('prg_1', 'prg_2'),
      partnerId: fc.constantFrom('P', 'Q', 'R'),
      at: fc.integer({ min: daysBefore(120), max: AT + DAY_MS }),
      ref: fc.string({ minLength: 1, maxLength: 4 }),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(arbTouch, { maxLength: 8, selector: (t) => `${t.kind}|${t.ref}|${t.at}` }),
        fc.boolean(),
        (ts, first) => {
          const tm = terms({ model: first ? 'first_touch' : 'last_touch' });
          const copy = [...ts];
          const r1 = chooseTouch(ts, 'prg_1', AT, tm);
          expect(ts).toEqual(copy);
          const r2 = chooseTouch([...ts].reverse(), 'prg_1', AT, tm);
          expect(r2).toEqual(r1);
          if (r1) {
            expect(r1.touch.programId).toBe('prg_1');
            expect(r1.touch.at <= AT && r1.touch.at >= AT - 90 * DAY_MS).toBe(true);
          }
        },
      ),
    );
  });
});
