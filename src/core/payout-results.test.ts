import { describe, expect, it } from 'vitest';
import { csvCell, csvRow } from './csv-cell.js';
import { CsvParser } from './csv-parser.js';
import { currency } from './money.js';
import type { PayoutForFile } from './payout.js';
import { genericCsvFile } from './payout-files.js';
import {
  parseGenericResult,
  parsePaypalResult,
  parseResultFile,
  parseWiseResult,
} from './payout-results.js';

const csv = (rows: string[][]) => rows.map((r) => csvRow(r.map(csvCell))).join('');

describe('parseGenericResult', () => {
  it('reads settled and failed rows with reference, reason, amount and currency', () => {
    const text = csv([
      ['payout_id', 'status', 'reference', 'reason', 'amount', 'currency'],
      ['pay_a', 'paid', 'bank-123', '', '123.45', 'USD'],
      ['pay_b', 'Returned', '', 'account closed', '5000', 'jpy'],
      ['pay_c', 'completed', '', '', '', ''],
    ]);
    expect(parseGenericResult(text)).toEqual({
      rows: [
        {
          line: 2,
          payoutId: 'pay_a',
          status: 'settled',
          reference: 'bank-123',
          reason: undefined,
          amount: 12_345n,
          currency: 'USD',
        },
        {
          line: 3,
          payoutId: 'pay_b',
          status: 'failed',
          reference: undefined,
          reason: 'account closed',
          amount: 5_000n,
          currency: 'JPY',
        },
        {
          line: 4,
          payoutId: 'pay_c',
          status: 'settled',
          reference: undefined,
          reason: undefined,
          amount: undefined,
          currency: undefined,
        },
      ],
      errors: [],
    });
  });

  it('accepts the header without the optional amount and currency columns', () => {
    const r = parseGenericResult('payout_id,status,reference,reason\nPAY_A,settled,r1,\n');
    expect(r.errors).toEqual([]);
    expect(r.rows).toMatchObject([{ payoutId: 'PAY_A', status: 'settled', reference: 'r1' }]);
  });

  it('reports bad rows with their line numbers and still reads the good ones', () => {
    const text = [
      'payout_id,status,reference,reason,amount,currency',
      'pay_a,settled,r1,,10.00,USD',
      ',settled,r2,,10.00,USD',
      'pay_c,lost,r3,,10.00,USD',
      'pay_d,settled,r4,,10.005,USD',
      'pay_e,settled,r5,,ten,USD',
      'pay_f,settled,r6,,10.00,',
      'pay_g,settled,r7,,10.00,XXX',
      'pay_h,settled,5" screen,,1,USD',
      '',
      'pay_i,failed,,"no such account",1.000,KWD',
    ].join('\r\n');
    const r = parseGenericResult(text);
    expect(r.rows.map((row) => [row.line, row.payoutId, row.amount])).toEqual([
      [2, 'pay_a', 1_000n],
      [11, 'pay_i', 1_000n],
    ]);
    expect(r.errors.map((e) => [e.line, e.code])).toEqual([
      [3, 'missing_payout_id'],
      [4, 'unknown_status'],
      [5, 'invalid_amount'],
      [6, 'invalid_amount'],
      [7, 'invalid_amount'],
      [8, 'invalid_amount'],
      [9, 'malformed_row'],
    ]);
    expect(r.errors[1]?.message).toContain('"lost"');
    expect(r.errors[2]?.message).toContain('USD has 2 decimal places');
  });

  it('reports a missing column once, on the header line, and reads no rows', () => {
    const r = parseGenericResult('payout_id,outcome\npay_a,settled\n');
    expect(r.rows).toEqual([]);
    expect(r.errors).toEqual([
      { line: 1, code: 'missing_column', message: expect.stringContaining('"status"') },
    ]);
  });

  it('reports an empty file and a file that is not CSV', () => {
    expect(parseGenericResult('')).toEqual({
      rows: [],
      errors: [{ line: 1, code: 'empty_file', message: expect.any(String) }],
    });
    expect(parseGenericResult('\uFEFF \r\n\r\n').errors[0]?.code).toBe('empty_file');
    expect(parseGenericResult('%PDF-1.4\u0000\u0001binary').errors[0]?.code).toBe('not_csv');
    expect(parseGenericResult('"payout_id,status\npay_a,settled\n').errors).toEqual([
      { line: 1, code: 'not_csv', message: expect.stringContaining('never closed') },
    ]);
    expect(parseGenericResult('{"payouts": []}').errors[0]?.code).toBe('not_csv');
    expect(parseGenericResult('just some text\nmore text\n').errors[0]?.code).toBe(
      'missing_column',
    );
  });

  it('drops an exact repeat, but reports and applies neither of two different outcomes', () => {
    const text = [
      'payout_id,status,reference,reason',
      'pay_a,settled,r1,',
      'pay_a,settled,r1,',
      'pay_b,settled,r2,',
      'pay_b,failed,,bounced',
      'pay_c,settled,r3,',
      'pay_c,settled,r4,',
    ].join('\n');
    const r = parseGenericResult(text);
    expect(r.rows.map((row) => row.payoutId)).toEqual(['pay_a']);
    expect(r.errors.map((e) => [e.line, e.code])).toEqual([
      [5, 'duplicate_row'],
      [7, 'duplicate_row'],
    ]);
    expect(r.errors[0]?.message).toContain('line 4');
  });

  it('reads lenient headers: case, spaces and a byte order mark', () => {
    const r = parseGenericResult(
      '\uFEFF Payout ID , STATUS ,Reference,Reason\npay_a, Settled ,x,\n',
    );
    expect(r.errors).toEqual([]);
    expect(r.rows).toMatchObject([{ payoutId: 'pay_a', status: 'settled', reference: 'x' }]);
  });
});

describe('generic round trip', () => {
  it('reads back the result file an operator builds from a generated payout file', () => {
    const payouts: PayoutForFile[] = [
      ['pay_jpy', 5_000n, 'JPY'],
      ['pay_kwd', 12_345n, 'KWD'],
      ['pay_usd', 99_99n, 'USD'],
    ].map(([id, amount, cur]) => ({
      id: id as string,
      partnerId: `prt_${id}`,
      partnerName: "=cmd|' /C calc'!A0",
      amount: amount as bigint,
      currency: currency(cur as string),
      details: { email: '@SUM(1)' },
      note: 'October',
    }));
    const file = genericCsvFile(payouts, { runId: 'run_1', programName: 'Acme' });

    // The operator's spreadsheet: the payout file with status and reference filled in.
    const parser = new CsvParser();
    const [, ...sent] = file.body
      .split('\r\n')
      .filter((l) => l !== '')
      .map((l, i) => {
        const r = parser.push(l, i + 1);
        if (!r || !('fields' in r)) throw new Error('unreadable payout file');
        return r.fields;
      });
    expect(sent.map((f) => f[2])).toEqual(Array(3).fill("'=cmd|' /C calc'!A0"));
    const result = csv([
      ['payout_id', 'status', 'reference', 'reason', 'amount', 'currency'],
      ...sent.map(([id, , , amount, cur], i) => [
        id as string,
        i === 1 ? 'failed' : 'settled',
        i === 1 ? '' : `bank-${i}`,
        i === 1 ? 'account closed' : '',
        amount as string,
        cur as string,
      ]),
    ]);

    const r = parseResultFile('csv', result);
    expect(r.errors).toEqual([]);
    expect(r.rows.map((row) => [row.payoutId, row.status, row.amount, row.currency])).toEqual([
      ['pay_jpy', 'settled', 5_000n, 'JPY'],
      ['pay_kwd', 'failed', 12_345n, 'KWD'],
      ['pay_usd', 'settled', 99_99n, 'USD'],
    ]);
  });
});

describe('parsePaypalResult', () => {
  it('maps PayPal statuses and matches payouts by Reference ID', () => {
    // Written out by hand: a provider's file is not guarded, so "-9.87" is a plain cell.
    const text = [
      'Transaction ID,Reference ID,Recipient,Amount,Currency,Status',
      '0C413693MN970190K,pay_a,a@example.com,-9.87,USD,Success',
      '1AB,pay_b,b@example.com,"1,234.50",USD,Completed',
      '2AB,pay_c,c@example.com,5.00,USD,RETURNED',
      '3AB,pay_d,d@example.com,5.00,USD,Blocked',
      ',pay_e,e@example.com,5.00,USD,Unclaimed',
      ',pay_f,f@example.com,5.00,USD,On hold',
      ',pay_g,g@example.com,5.00,USD,Pending',
      '4AB,pay_h,h@example.com,5.00,USD,Refunded',
      '5AB,pay_i,i@example.com,5.00,USD,Reversed',
      '6AB,pay_j,j@example.com,5.00,USD,Failed',
      '7AB,pay_k,k@example.com,5.00,USD,Exploded',
    ].join('\r\n');
    const r = parsePaypalResult(text);
    expect(r.rows.map((row) => [row.payoutId, row.status, row.reference, row.amount])).toEqual([
      ['pay_a', 'settled', '0C413693MN970190K', 987n],
      ['pay_b', 'settled', '1AB', 123_450n],
      ['pay_c', 'failed', '2AB', 500n],
      ['pay_d', 'failed', '3AB', 500n],
      ['pay_h', 'failed', '4AB', 500n],
      ['pay_i', 'failed', '5AB', 500n],
      ['pay_j', 'failed', '6AB', 500n],
    ]);
    expect(r.errors.map((e) => [e.line, e.code])).toEqual([
      [6, 'not_final'],
      [7, 'not_final'],
      [8, 'not_final'],
      [12, 'unknown_status'],
    ]);
  });

  it('accepts the other names of the id column, in any case', () => {
    for (const name of ['Customer ID', 'sender_item_id', 'REFERENCE ID']) {
      const r = parsePaypalResult(`${name},Status\npay_a,SUCCESS\n`);
      expect(
        r.rows.map((row) => row.payoutId),
        name,
      ).toEqual(['pay_a']);
    }
  });

  it('reports the payment file itself (no header) as missing its columns', () => {
    const r = parsePaypalResult('ada@example.com,123.45,USD,pay_a,Thanks,PAYPAL\r\n');
    expect(r.rows).toEqual([]);
    expect(r.errors).toEqual([
      { line: 1, code: 'missing_column', message: expect.stringContaining('"Reference ID"') },
    ]);
  });
});

describe('parseWiseResult', () => {
  it('maps Wise transfer statuses and matches payouts by payment reference', () => {
    const text = csv([
      ['TransferWise ID', 'Status', 'Payment Reference', 'Target Amount', 'Target Currency'],
      ['TRANSFER-1', 'outgoing_payment_sent', 'pay_a', '123.45', 'EUR'],
      ['TRANSFER-2', 'COMPLETED', 'pay_b', '70000', 'JPY'],
      ['TRANSFER-3', 'bounced_back', 'pay_c', '1.005', 'KWD'],
      ['TRANSFER-4', 'funds_refunded', 'pay_d', '1.00', 'EUR'],
      ['TRANSFER-5', 'cancelled', 'pay_e', '1.00', 'EUR'],
      ['TRANSFER-6', 'processing', 'pay_f', '1.00', 'EUR'],
      ['TRANSFER-7', 'incoming_payment_waiting', 'pay_g', '1.00', 'EUR'],
      ['TRANSFER-8', 'outgoing_payment_sent', 'pay_h', '1.0005', 'KWD'],
    ]);
    const r = parseWiseResult(text);
    expect(r.rows.map((row) => [row.payoutId, row.status, row.reference, row.amount])).toEqual([
      ['pay_a', 'settled', 'TRANSFER-1', 12_345n],
      ['pay_b', 'settled', 'TRANSFER-2', 70_000n],
      ['pay_c', 'failed', 'TRANSFER-3', 1_005n],
      ['pay_d', 'failed', 'TRANSFER-4', 100n],
      ['pay_e', 'failed', 'TRANSFER-5', 100n],
    ]);
    expect(r.errors.map((e) => [e.line, e.code])).toEqual([
      [7, 'not_final'],
      [8, 'not_final'],
      [9, 'invalid_amount'],
    ]);
  });

  it('reads a statement-style export with ID, Reference, Amount and Currency', () => {
    const r = parseWiseResult(
      'ID,Status,Reference,Amount,Currency\nT-1,Completed,pay_a,-50.00,GBP\n',
    );
    expect(r.errors).toEqual([]);
    expect(r.rows).toMatchObject([
      { payoutId: 'pay_a', status: 'settled', reference: 'T-1', amount: 5_000n, currency: 'GBP' },
    ]);
  });

  it('needs a payment reference column', () => {
    expect(parseResultFile('wise', 'ID,Status\nT-1,COMPLETED\n').errors).toEqual([
      { line: 1, code: 'missing_column', message: expect.stringContaining('"Payment Reference"') },
    ]);
  });
});
