import { describe, expect, it } from 'vitest';
import type { Accrual, AccrualTrace } from '../api/accruals';
import { explainAccrual } from './explain-accrual';

const programs = { prg_1: 'Marketplace referral program' };

function accrual(over: Partial<Accrual>, trace: Partial<AccrualTrace>): Accrual {
  return {
    id: 'acr_1',
    key: 'evt_1:prg_1:first-year-revenue',
    kind: 'accrual',
    partner_id: 'prt_1',
    program_id: 'prg_1',
    version_id: 'ver_2',
    rule_id: 'first-year-revenue',
    customer_id: 'cus_1',
    event_id: 'evt_1',
    amount: '24.00',
    amount_minor: '2400',
    currency: 'USD',
    occurred_at: '2026-11-01T00:00:00.000Z',
    available_at: '2026-12-01T00:00:00.000Z',
    status: 'pending',
    created_at: '2026-11-01T00:00:00.000Z',
    ...over,
    trace: {
      program: { id: 'prg_1', version_id: 'ver_2', version: 2 },
      rule: {
        id: 'first-year-revenue',
        name: '20% of first-year take',
        event: 'payment',
        pays: 'percent',
      },
      event: {
        id: 'evt_1',
        external_id: 'inv-7',
        type: 'payment',
        occurred_at: '2026-11-01T00:00:00.000Z',
      },
      inputs: {},
      steps: [],
      hold_days: 30,
      available_at: '2026-12-01T00:00:00.000Z',
      ...trace,
    },
  };
}

describe('explainAccrual', () => {
  it('states the percentage, the base, the result, the program version and the rule', () => {
    const e = explainAccrual(
      accrual(
        {},
        {
          inputs: { revenue: '120.00', percent: '20' },
          steps: ['120.00 revenue × 20% = 24.00 USD'],
        },
      ),
      programs,
    );
    expect(e.sentence).toBe(
      '20% of $120.00 revenue = $24.00 on payment inv-7, under Marketplace referral program v2, rule “20% of first-year take”.',
    );
    expect(e.label).toBe('Reward');
    expect(e.program).toBe('Marketplace referral program v2');
  });

  it('names the multipliers that applied', () => {
    const e = explainAccrual(
      accrual(
        { amount: '3.00', rule_id: 'signup' },
        {
          rule: { id: 'signup', name: 'Signup bounty', event: 'signup', pays: 'flat' },
          event: { id: 'evt_2', external_id: 'su-1', type: 'signup', occurred_at: '' },
          inputs: { flat: '2.00', multiplier: '1.5' },
          steps: [
            'flat 2.00 USD',
            'accelerator +50% on enterprise sellers ×1.5',
            '2.00 × 1.5 = 3.00 USD',
          ],
        },
      ),
      programs,
    );
    expect(e.sentence).toContain('Flat $2.00 × 1.5 = $3.00 on signup su-1');
    expect(e.boosts).toEqual(['accelerator +50% on enterprise sellers ×1.5']);
  });

  it('links a refund reversal to the reward it takes back', () => {
    const e = explainAccrual(
      accrual(
        { kind: 'reversal', amount: '-12.00' },
        {
          event: { id: 'evt_3', external_id: 'refund-9', type: 'refund', occurred_at: '' },
          inputs: {
            revenue: '120.00',
            percent: '20',
            original_accrual: '24.00',
            refunded_share: '1/2',
          },
          reverses: 'evt_1:prg_1:first-year-revenue',
        },
      ),
      programs,
    );
    expect(e.label).toBe('Refund reversal');
    expect(e.reverses).toBe('evt_1:prg_1:first-year-revenue');
    expect(e.sentence).toContain('Half of the payment was refunded (refund refund-9)');
    expect(e.sentence).toContain('half of the $24.00 it earned is taken back: -$12.00');
  });

  it('explains a recalculation with what was recorded and what is due', () => {
    const e = explainAccrual(
      accrual(
        { kind: 'adjustment', amount: '5.03' },
        {
          inputs: { revenue: '100.47', percent: '20', multiplier: '1.25' },
          steps: [
            '100.47 revenue × 20% = 20.09 USD (rounded half-even)',
            'tier Gold ×1.25',
            're-derived: 20.09 was posted, 25.12 is earned → 5.03 USD',
          ],
        },
      ),
      programs,
    );
    expect(e.label).toBe('Recalculation');
    expect(e.sentence).toContain('Recalculated (tier Gold ×1.25 now applies): $20.09 was recorded');
    expect(e.sentence).toContain(
      '20% of $100.47 revenue × 1.25 = $25.12 is due now, so $5.03 is added',
    );
  });

  it('explains a period bonus', () => {
    const e = explainAccrual(
      accrual(
        { amount: '250.00', key: 'bonus:prg_1:prt_1:q-bonus:2026-Q3' },
        {
          rule: { id: 'q-bonus', name: 'Quarterly bonus', event: 'quarter_close', pays: 'flat' },
          event: { id: '', external_id: '2026-Q3', type: 'period_close', occurred_at: '' },
          inputs: { metric: 'referred_revenue', value: '12000.00', target: '10000.00' },
        },
      ),
      programs,
    );
    expect(e.sentence).toBe(
      'Bonus: referred revenue in 2026-Q3 reached 12000.00 (target 10000.00), which pays $250.00, under Marketplace referral program v2, rule “Quarterly bonus”.',
    );
  });

  it('falls back to the amount and the ids when the trace is missing', () => {
    const e = explainAccrual({ ...accrual({}, {}), trace: null });
    expect(e.sentence).toBe('$24.00, under prg_1, rule “first-year-revenue”.');
  });
});
