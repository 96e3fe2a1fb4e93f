import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TandemError } from './errors.js';
import {
  canMoveMdf,
  checkApproval,
  checkClaim,
  checkPoolAmount,
  checkReimbursement,
  defaultClaimDeadline,
  type MdfStatus,
  mdfStatuses,
  nextMdfStatuses,
  overlapsQuarter,
  parseQuarter,
  poolRemaining,
  poolScopeKey,
  poolServes,
  poolUsage,
  quarterOf,
  reimbursementLabel,
} from './mdf.js';

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as TandemError).code;
  }
  return undefined;
};

describe('MDF quarters', () => {
  it('parses quarter keys into UTC bounds, end exclusive', () => {
    expect(parseQuarter('2026-Q1')).toEqual({
      start: Date.parse('2026-01-01T00:00:00Z'),
      end: Date.parse('2026-04-01T00:00:00Z'),
    });
    expect(parseQuarter('2026-Q4')).toEqual({
      start: Date.parse('2026-10-01T00:00:00Z'),
      end: Date.parse('2027-01-01T00:00:00Z'),
    });
    for (const bad of ['2026-Q0', '2026-Q5', '2026-1', '26-Q1', '0099-Q1', '2026-q1', ' 2026-Q1'])
      expect(parseQuarter(bad), bad).toBeUndefined();
  });

  it('names the quarter of an instant, and every instant lies inside its own quarter', () => {
    expect(quarterOf(Date.parse('2026-03-31T23:59:59.999Z'))).toBe('2026-Q1');
    expect(quarterOf(Date.parse('2026-04-01T00:00:00Z'))).toBe('2026-Q2');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Date.parse('2200-01-01T00:00:00Z') }), (at) => {
        const q = parseQuarter(quarterOf(at));
        return q !== undefined && q.start <= at && at < q.end;
      }),
    );
  });

  it('defaults the claim deadline to 30 days after the quarter ends', () => {
    expect(new Date(defaultClaimDeadline('2026-Q1')).toISOString()).toBe(
      '2026-05-01T00:00:00.000Z',
    );
    expect(new Date(defaultClaimDeadline('2026-Q4')).toISOString()).toBe(
      '2027-01-31T00:00:00.000Z',
    );
    expect(code(() => defaultClaimDeadline('Q1'))).toBe('validation_failed');
  });

  it('a campaign overlaps a quarter when any part of its window lies inside it', () => {
    const at = (s: string) => Date.parse(s);
    expect(overlapsQuarter('2026-Q1', at('2026-03-20T00:00:00Z'), at('2026-04-20T00:00:00Z'))).toBe(
      true,
    );
    expect(overlapsQuarter('2026-Q1', at('2026-04-01T00:00:00Z'), at('2026-04-20T00:00:00Z'))).toBe(
      false,
    );
    expect(overlapsQuarter('2026-Q2', at('2026-03-01T00:00:00Z'), at('2026-04-01T00:00:00Z'))).toBe(
      false,
    );
  });
});

describe('the MDF status machine', () => {
  it('moves requests along request → approval → claim → reimbursement, with the ways out', () => {
    expect(nextMdfStatuses('requested')).toEqual(['approved', 'rejected', 'withdrawn']);
    expect(nextMdfStatuses('approved')).toEqual(['claimed', 'expired']);
    expect(nextMdfStatuses('claimed')).toEqual(['reimbursed', 'claim_rejected']);
    for (const final of [
      'rejected',
      'withdrawn',
      'reimbursed',
      'claim_rejected',
      'expired',
    ] as MdfStatus[])
      expect(nextMdfStatuses(final), final).toEqual([]);
  });

  it('refuses every other move, including staying put and going back', () => {
    const allowed = new Set([
      'requested>approved',
      'requested>rejected',
      'requested>withdrawn',
      'approved>claimed',
      'approved>expired',
      'claimed>reimbursed',
      'claimed>claim_rejected',
    ]);
    for (const from of mdfStatuses)
      for (const to of mdfStatuses)
        expect(canMoveMdf(from, to), `${from}>${to}`).toBe(allowed.has(`${from}>${to}`));
  });
});

describe('pool arithmetic', () => {
  const req = (
    status: MdfStatus,
    requested: bigint,
    approved: bigint | null = null,
    reimbursed: bigint | null = null,
  ) => ({ status, requested, approved, reimbursed });

  it('commits approvals until they are claimed, decided or expire, and reimbursements for good', () => {
    const usage = poolUsage([
      req('requested', 500n),
      req('approved', 300n, 200n),
      req('claimed', 300n, 300n),
      req('reimbursed', 400n, 400n, 350n),
      req('claim_rejected', 100n, 100n),
      req('expired', 100n, 100n),
      req('rejected', 900n),
      req('withdrawn', 900n),
    ]);
    expect(usage).toEqual({ committed: 850n, reimbursed: 350n, pending: 500n });
    expect(poolRemaining(1000n, usage)).toBe(150n);
  });

  it('never lets a sequence of approvals commit more than the pool', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10_000_00n }),
        fc.array(fc.bigInt({ min: 1n, max: 5_000_00n }), { maxLength: 30 }),
        (amount, asks) => {
          const held: ReturnType<typeof req>[] = [];
          for (const ask of asks) {
            const remaining = poolRemaining(amount, poolUsage(held));
            try {
              checkApproval({ requested: ask, approve: ask, remaining });
              held.push(req('approved', ask, ask));
            } catch (e) {
              if ((e as TandemError).code !== 'mdf_pool_exhausted') throw e;
              expect(ask).toBeGreaterThan(remaining);
            }
          }
          const { committed } = poolUsage(held);
          return committed <= amount && committed === held.reduce((a, r) => a + r.requested, 0n);
        },
      ),
    );
  });

  it('checks approvals, claims, reimbursements and resizing at their bounds', () => {
    expect(code(() => checkApproval({ requested: 100n, approve: 100n, remaining: 100n }))).toBe(
      undefined,
    );
    expect(code(() => checkApproval({ requested: 100n, approve: 101n, remaining: 500n }))).toBe(
      'validation_failed',
    );
    expect(code(() => checkApproval({ requested: 100n, approve: 0n, remaining: 500n }))).toBe(
      'validation_failed',
    );
    expect(code(() => checkApproval({ requested: 100n, approve: 60n, remaining: 59n }))).toBe(
      'mdf_pool_exhausted',
    );
    expect(code(() => checkClaim(100n, 100n))).toBe(undefined);
    expect(code(() => checkClaim(100n, 101n))).toBe('claim_exceeds_approved');
    expect(code(() => checkClaim(100n, 0n))).toBe('validation_failed');
    expect(code(() => checkReimbursement(100n, 100n))).toBe(undefined);
    expect(code(() => checkReimbursement(100n, 101n))).toBe('validation_failed');
    expect(code(() => checkPoolAmount(850n, { committed: 850n }))).toBe(undefined);
    expect(code(() => checkPoolAmount(849n, { committed: 850n }))).toBe('mdf_pool_below_committed');
  });
});

describe('pool scopes', () => {
  it('keys pools by scope and serves the partners in that scope only', () => {
    expect(poolScopeKey('program')).toBe('program');
    expect(poolScopeKey('tier', 'gold')).toBe('tier:gold');
    expect(poolScopeKey('partner', 'prt_1')).toBe('partner:prt_1');
    expect(code(() => poolScopeKey('tier'))).toBe('validation_failed');
    const gold = { scope: 'tier' as const, tierId: 'gold', partnerId: null };
    expect(poolServes(gold, { id: 'prt_1', tier: 'gold' })).toBe(true);
    expect(poolServes(gold, { id: 'prt_1', tier: 'silver' })).toBe(false);
    expect(poolServes(gold, { id: 'prt_1', tier: null })).toBe(false);
    const own = { scope: 'partner' as const, tierId: null, partnerId: 'prt_1' };
    expect(poolServes(own, { id: 'prt_1', tier: null })).toBe(true);
    expect(poolServes(own, { id: 'prt_2', tier: null })).toBe(false);
    expect(
      poolServes({ scope: 'program', tierId: null, partnerId: null }, { id: 'x', tier: null }),
    ).toBe(true);
  });

  it('labels a reimbursement with its campaign and request', () => {
    expect(reimbursementLabel({ name: 'Spring webinars', code: 'SPRING26' }, 'mdfr_1')).toBe(
      'MDF reimbursement for campaign Spring webinars (SPRING26), request mdfr_1',
    );
  });
});
