import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  accounts,
  accrualEntries,
  isBalanced,
  parsePartnerAccount,
  releaseEntries,
} from './ledger.js';
import { currency } from './money.js';

const USD = currency('USD');
const EUR = currency('EUR');

describe('accounts', () => {
  it('are colon paths', () => {
    expect(accounts.pending('prg_1', 'prt_1')).toBe('program:prg_1:partner:prt_1:pending');
    expect(accounts.available('prg_1', 'prt_1')).toBe('program:prg_1:partner:prt_1:available');
    expect(accounts.processing('prg_1', 'prt_1')).toBe('program:prg_1:partner:prt_1:processing');
    expect(accounts.paid('prg_1', 'prt_1')).toBe('program:prg_1:partner:prt_1:paid');
    expect(accounts.expense('prg_1')).toBe('program:prg_1:expense');
    expect(accounts.fx('prg_1')).toBe('program:prg_1:fx');
  });

  it('parse back into program, partner and kind', () => {
    expect(parsePartnerAccount('program:prg_1:partner:prt_1:available')).toEqual({
      programId: 'prg_1',
      partnerId: 'prt_1',
      kind: 'available',
    });
    expect(parsePartnerAccount('program:prg_1:expense')).toBeUndefined();
    expect(parsePartnerAccount('program:prg_1:partner:prt_1:other')).toBeUndefined();
  });
});

describe('accrualEntries / releaseEntries', () => {
  it('move an accrual from the program expense to the partner pending account', () => {
    expect(accrualEntries('prg_1', 'prt_1', 2000n, USD)).toEqual([
      { account: 'program:prg_1:expense', amount: -2000n, currency: 'USD' },
      { account: 'program:prg_1:partner:prt_1:pending', amount: 2000n, currency: 'USD' },
    ]);
  });

  it('move a reversal back', () => {
    expect(accrualEntries('prg_1', 'prt_1', -2000n, USD)).toEqual([
      { account: 'program:prg_1:expense', amount: 2000n, currency: 'USD' },
      { account: 'program:prg_1:partner:prt_1:pending', amount: -2000n, currency: 'USD' },
    ]);
  });

  it('release from pending to available', () => {
    expect(releaseEntries('prg_1', 'prt_1', 2000n, USD)).toEqual([
      { account: 'program:prg_1:partner:prt_1:pending', amount: -2000n, currency: 'USD' },
      { account: 'program:prg_1:partner:prt_1:available', amount: 2000n, currency: 'USD' },
    ]);
  });

  it('always balance for a non-zero amount (property)', () => {
    const amount = fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }).filter((a) => a !== 0n);
    fc.assert(
      fc.property(amount, fc.constantFrom(USD, EUR), (a, cur) => {
        expect(isBalanced(accrualEntries('prg_1', 'prt_1', a, cur))).toBe(true);
        expect(isBalanced(releaseEntries('prg_1', 'prt_1', a, cur))).toBe(true);
        // several balanced postings together, in mixed currencies, still balance
        expect(
          isBalanced([
            ...accrualEntries('prg_1', 'prt_1', a, cur),
            ...releaseEntries('prg_1', 'prt_2', a + 1n || 1n, EUR),
          ]),
        ).toBe(true);
      }),
    );
  });

  it('a posting then its release leave pending at zero and available at the amount (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 1n, max: 10n ** 12n }), { minLength: 1, maxLength: 10 }),
        (amounts) => {
          const entries = amounts.flatMap((a) => [
            ...accrualEntries('prg_1', 'prt_1', a, USD),
            ...releaseEntries('prg_1', 'prt_1', a, USD),
          ]);
          const balance = (account: string) =>
            entries.filter((e) => e.account === account).reduce((s, e) => s + e.amount, 0n);
          const sum = amounts.reduce((s, a) => s + a, 0n);
          expect(balance(accounts.pending('prg_1', 'prt_1'))).toBe(0n);
          expect(balance(accounts.available('prg_1', 'prt_1'))).toBe(sum);
          expect(balance(accounts.expense('prg_1'))).toBe(-sum);
        },
      ),
    );
  });
});

describe('isBalanced', () => {
  it('rejects unbalanced, empty and zero-amount entry lists', () => {
    expect(isBalanced([])).toBe(false);
    expect(isBalanced([{ account: 'a', amount: 1n, currency: USD }])).toBe(false);
    expect(
      isBalanced([
        { account: 'a', amount: 1n, currency: USD },
        { account: 'b', amount: -2n, currency: USD },
      ]),
    ).toBe(false);
    expect(
      isBalanced([
        { account: 'a', amount: 0n, currency: USD },
        { account: 'b', amount: 0n, currency: USD },
      ]),
    ).toBe(false);
  });

  it('balances per currency, not across currencies', () => {
    expect(
      isBalanced([
        { account: 'a', amount: 100n, currency: USD },
        { account: 'b', amount: -100n, currency: EUR },
      ]),
    ).toBe(false);
    expect(
      isBalanced([
        { account: 'a', amount: 100n, currency: USD },
        { account: 'b', amount: -100n, currency: USD },
        { account: 'c', amount: 7n, currency: EUR },
        { account: 'd', amount: -7n, currency: EUR },
      ]),
    ).toBe(true);
  });
});
