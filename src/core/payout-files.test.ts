import { describe, expect, it } from 'vitest';
import { CsvParser } from './csv-parser.js';
import { currency } from './money.js';
import type { PayoutForFile } from './payout.js';
import {
  genericCsvFile,
  missingDetails,
  payoutFile,
  paypalPayoutsFile,
  wiseBatchFile,
} from './payout-files.js';

const ctx = { runId: 'run_01h2xcejqtf2nbrexx3vqjhp41', programName: 'Acme partner program' };

function payout(over: Partial<PayoutForFile> & { id: string }): PayoutForFile {
  return {
    partnerId: 'prt_1',
    partnerName: 'Ada Lovelace',
    amount: 12_345n,
    currency: currency('USD'),
    details: { email: 'ada@example.com' },
    note: 'Acme partner program, October 2026',
    ...over,
  };
}

/** The records of a generated file, read back with the project's CSV parser. */
function records(body: string): string[][] {
  const parser = new CsvParser();
  const lines = body.split('\r\n');
  expect(lines.pop()).toBe(''); // every record ends in CRLF, the last one included
  return lines.map((line, i) => {
    const r = parser.push(line, i + 1);
    if (!r || !('fields' in r)) throw new Error(`line ${i + 1} did not parse`);
    return r.fields;
  });
}

describe('missingDetails', () => {
  it('names what PayPal, Wise and Stripe need, with alternatives joined by "or"', () => {
    expect(missingDetails('paypal', {})).toEqual(['email or phone']);
    expect(missingDetails('paypal', { email: '  ' })).toEqual(['email or phone']);
    expect(missingDetails('paypal', { phone: '4155550100' })).toEqual([]);
    expect(missingDetails('wise', { email: 'a@b.c' })).toEqual(['iban or account_number']);
    expect(missingDetails('wise', { account_number: '31926819' })).toEqual([
      'sort_code or routing_number',
    ]);
    expect(missingDetails('wise', { account_number: '31926819', sort_code: '231470' })).toEqual([]);
    expect(missingDetails('wise', { iban: 'DE89370400440532013000' })).toEqual([]);
    expect(missingDetails('stripe', {})).toEqual(['account']);
    expect(missingDetails('stripe', { account: 'acct_1' })).toEqual([]);
    expect(missingDetails('csv', {})).toEqual([]);
  });
});

describe('genericCsvFile', () => {
  it('writes the header, one row per payout sorted by id, and the details sorted by key', () => {
    const file = genericCsvFile(
      [
        payout({ id: 'pay_b', details: { zeta: '1', alpha: 'x=y' } }),
        payout({ id: 'pay_a', partnerName: 'Acme, Inc.', amount: -1_250n }),
      ],
      ctx,
    );
    expect(file.filename).toBe('tandem-run_01h2xcejqtf2nbrexx3vqjhp41-csv.csv');
    expect(file.contentType).toBe('text/csv; charset=utf-8');
    expect(file.body).toBe(
      'payout_id,partner_id,partner_name,amount,currency,method_details,note\r\n' +
        'pay_a,prt_1,"Acme, Inc.",-12.50,USD,email=ada@example.com,"Acme partner program, October 2026"\r\n' +
        'pay_b,prt_1,Ada Lovelace,123.45,USD,alpha=x=y; zeta=1,"Acme partner program, October 2026"\r\n',
    );
  });

  it('is deterministic whatever the input order', () => {
    const ps = ['pay_c', 'pay_a', 'pay_b'].map((id) => payout({ id }));
    expect(genericCsvFile(ps, ctx).body).toBe(genericCsvFile([...ps].reverse(), ctx).body);
  });

  it('guards a partner name or detail that starts like a formula', () => {
    const file = genericCsvFile(
      [
        payout({
          id: 'pay_a',
          partnerName: "=cmd|' /C calc'!A0",
          note: '@SUM(1)',
          details: { email: '+1@example.com' },
        }),
      ],
      ctx,
    );
    const [, row] = records(file.body);
    expect(row).toEqual([
      'pay_a',
      'prt_1',
      "'=cmd|' /C calc'!A0",
      '123.45',
      'USD',
      'email=+1@example.com',
      "'@SUM(1)",
    ]);
  });

  it('writes 0-decimal and 3-decimal currencies with their own number of decimals', () => {
    const file = genericCsvFile(
      [
        payout({ id: 'pay_jpy', amount: 5_000n, currency: currency('JPY') }),
        payout({ id: 'pay_kwd', amount: 12_345n, currency: currency('KWD') }),
      ],
      ctx,
    );
    const [, jpy, kwd] = records(file.body);
    expect(jpy?.slice(3, 5)).toEqual(['5000', 'JPY']);
    expect(kwd?.slice(3, 5)).toEqual(['12.345', 'KWD']);
  });

  it('refuses the same payout twice', () => {
    expect(() => genericCsvFile([payout({ id: 'pay_a' }), payout({ id: 'pay_a' })], ctx)).toThrow(
      /twice/,
    );
  });

  it('makes the run id safe for a file name', () => {
    expect(genericCsvFile([], { ...ctx, runId: '../x y' }).filename).toBe('tandem----x-y-csv.csv');
  });
});

describe('paypalPayoutsFile', () => {
  it('writes PayPal Payouts Web rows without a header: recipient, amount, currency, id, note, wallet', () => {
    const file = paypalPayoutsFile(
      [
        payout({ id: 'pay_b', details: { phone: '(415) 555-0100' }, amount: 100_50n }),
        payout({ id: 'pay_a' }),
      ],
      ctx,
    );
    expect(file.filename).toBe('tandem-run_01h2xcejqtf2nbrexx3vqjhp41-paypal.csv');
    expect(file.body).toBe(
      'ada@example.com,123.45,USD,pay_a,"Acme partner program, October 2026",PAYPAL\r\n' +
        '4155550100,100.50,USD,pay_b,"Acme partner program, October 2026",PAYPAL\r\n',
    );
  });

  it('formats JPY without decimals and KWD with three', () => {
    const jpy = paypalPayoutsFile(
      [payout({ id: 'pay_a', amount: 1_000n, currency: currency('JPY') })],
      ctx,
    );
    expect(records(jpy.body)[0]?.slice(1, 3)).toEqual(['1000', 'JPY']);
    const kwd = paypalPayoutsFile(
      [payout({ id: 'pay_a', amount: 1_005n, currency: currency('KWD') })],
      ctx,
    );
    expect(records(kwd.body)[0]?.slice(1, 3)).toEqual(['1.005', 'KWD']);
  });

  it('refuses a file of two currencies, as PayPal takes one per file', () => {
    expect(() =>
      paypalPayoutsFile(
        [payout({ id: 'pay_a' }), payout({ id: 'pay_b', currency: currency('EUR') })],
        ctx,
      ),
    ).toThrow(/one currency/);
  });

  it('falls back to the program name for an empty note and cuts a note at 400 characters', () => {
    const file = paypalPayoutsFile(
      [payout({ id: 'pay_a', note: '' }), payout({ id: 'pay_b', note: 'x'.repeat(450) })],
      ctx,
    );
    const [a, b] = records(file.body);
    expect(a?.[4]).toBe('Acme partner program');
    expect(b?.[4]).toHaveLength(400);
  });

  it('guards a malicious email or note', () => {
    const file = paypalPayoutsFile(
      [payout({ id: 'pay_a', details: { email: '@SUM(1)' }, note: "=cmd|' /C calc'!A0" })],
      ctx,
    );
    expect(records(file.body)[0]).toEqual([
      "'@SUM(1)",
      '123.45',
      'USD',
      'pay_a',
      "'=cmd|' /C calc'!A0",
      'PAYPAL',
    ]);
  });

  it('refuses an id PayPal cannot take as a Customer ID', () => {
    expect(() => paypalPayoutsFile([payout({ id: `pay_${'x'.repeat(27)}` })], ctx)).toThrow(
      /Customer ID/,
    );
  });
});

describe('wiseBatchFile', () => {
  it("writes Wise's batch template header and a fixed-target row per payout", () => {
    const file = wiseBatchFile(
      [
        payout({
          id: 'pay_b',
          currency: currency('GBP'),
          details: {
            account_holder: 'Lovelace Consulting Ltd',
            receiver_type: 'business',
            account_number: '3192 6819',
            sort_code: '23-14-70',
          },
        }),
        payout({
          id: 'pay_a',
          currency: currency('EUR'),
          details: {
            iban: 'de89 3704 0044 0532 0130 00',
            bic: 'cobadeffxxx',
            email: 'ada@example.com',
          },
        }),
      ],
      ctx,
    );
    expect(file.filename).toBe('tandem-run_01h2xcejqtf2nbrexx3vqjhp41-wise.csv');
    expect(file.body).toBe(
      'name,recipientEmail,paymentReference,receiverType,amountCurrency,amount,sourceCurrency,targetCurrency,IBAN,BIC,accountNumber,sortCode,abartn\r\n' +
        'Ada Lovelace,ada@example.com,pay_a,PERSON,target,123.45,EUR,EUR,DE89370400440532013000,COBADEFFXXX,,,\r\n' +
        'Lovelace Consulting Ltd,,pay_b,INSTITUTION,target,123.45,GBP,GBP,,,31926819,231470,\r\n',
    );
  });

  it('writes a US routing number and 0- and 3-decimal amounts', () => {
    const file = wiseBatchFile(
      [
        payout({
          id: 'pay_a',
          amount: 70_000n,
          currency: currency('JPY'),
          details: { account_number: '1234567', routing_number: '026009593' },
        }),
        payout({ id: 'pay_b', amount: 1n, currency: currency('KWD'), details: { iban: 'KW81' } }),
      ],
      ctx,
    );
    const [, a, b] = records(file.body);
    expect(a?.slice(5, 8)).toEqual(['70000', 'JPY', 'JPY']);
    expect(a?.slice(10)).toEqual(['1234567', '', '026009593']);
    expect(b?.slice(5, 8)).toEqual(['0.001', 'KWD', 'KWD']);
  });

  it('guards a malicious account holder name', () => {
    const file = wiseBatchFile(
      [payout({ id: 'pay_a', details: { account_holder: '=HYPERLINK("x")', iban: 'DE89' } })],
      ctx,
    );
    expect(records(file.body)[1]?.[0]).toBe('\'=HYPERLINK("x")');
  });
});

describe('payoutFile', () => {
  it('dispatches on the rail', () => {
    const ps = [payout({ id: 'pay_a', details: { email: 'a@b.c', iban: 'DE89' } })];
    expect(payoutFile('csv', ps, ctx)).toEqual(genericCsvFile(ps, ctx));
    expect(payoutFile('paypal', ps, ctx)).toEqual(paypalPayoutsFile(ps, ctx));
    expect(payoutFile('wise', ps, ctx)).toEqual(wiseBatchFile(ps, ctx));
  });
});
