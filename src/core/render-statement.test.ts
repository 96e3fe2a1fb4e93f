import { describe, expect, it } from 'vitest';
import { CsvParser } from './csv-parser.js';
import { currency } from './money.js';
import {
  escapeHtml,
  type Statement,
  type StatementItem,
  statementCsv,
  statementHtml,
} from './render-statement.js';

const OCT_1 = Date.UTC(2026, 9, 1);
const NOV_1 = Date.UTC(2026, 10, 1);
const day = (d: number) => Date.UTC(2026, 9, d, 12);

function item(over: Partial<StatementItem> & Pick<StatementItem, 'at' | 'amount'>): StatementItem {
  return { type: 'accrual', description: 'Referral: Seller 42', reference: 'acr_1', ...over };
}

function statement(over: Partial<Statement> = {}): Statement {
  return {
    partner: { id: 'prt_1', name: 'Ada Lovelace' },
    program: { id: 'prg_1', name: 'Acme partners' },
    period: '2026-10',
    from: OCT_1,
    to: NOV_1,
    generatedAt: Date.UTC(2026, 10, 2, 9, 30),
    sections: [
      {
        currency: currency('USD'),
        opening: 10_000n,
        // Out of order on purpose: the statement lists them by time.
        items: [
          item({ at: day(20), amount: -12_000n, type: 'payout', reference: 'pay_1' }),
          item({ at: day(3), amount: 1_980n }),
          item({ at: day(9), amount: -500n, type: 'clawback', description: 'Refund of order 7' }),
        ],
        closing: -520n,
      },
      {
        currency: currency('JPY'),
        opening: 0n,
        items: [item({ at: day(5), amount: 1_500n, type: 'bonus', description: 'Launch bonus' })],
        closing: 1_500n,
      },
    ],
    ...over,
  };
}

function records(text: string): string[][] {
  const parser = new CsvParser();
  const out: string[][] = [];
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    const r = parser.push(line, i + 1);
    if (r && 'fields' in r) out.push(r.fields);
    else if (r) throw new Error(r.error);
  }
  return out;
}

describe('statementCsv', () => {
  it('lists each section from opening to closing with a running balance', () => {
    const [header, ...rows] = records(statementCsv(statement()));
    expect(header).toEqual([
      'currency',
      'date',
      'type',
      'description',
      'reference',
      'amount',
      'balance',
    ]);
    expect(rows).toEqual([
      ['USD', '2026-10-01T00:00:00.000Z', 'opening_balance', 'Opening balance', '', '', '100.00'],
      [
        'USD',
        '2026-10-03T12:00:00.000Z',
        'accrual',
        'Referral: Seller 42',
        'acr_1',
        '19.80',
        '119.80',
      ],
      [
        'USD',
        '2026-10-09T12:00:00.000Z',
        'clawback',
        'Refund of order 7',
        'acr_1',
        '-5.00',
        '114.80',
      ],
      [
        'USD',
        '2026-10-20T12:00:00.000Z',
        'payout',
        'Referral: Seller 42',
        'pay_1',
        '-120.00',
        '-5.20',
      ],
      ['USD', '2026-11-01T00:00:00.000Z', 'closing_balance', 'Closing balance', '', '', '-5.20'],
      ['JPY', '2026-10-01T00:00:00.000Z', 'opening_balance', 'Opening balance', '', '', '0'],
      ['JPY', '2026-10-05T12:00:00.000Z', 'bonus', 'Launch bonus', 'acr_1', '1500', '1500'],
      ['JPY', '2026-11-01T00:00:00.000Z', 'closing_balance', 'Closing balance', '', '', '1500'],
    ]);
  });

  it('ends every section with the running balance equal to the closing balance', () => {
    const rows = records(statementCsv(statement())).slice(1);
    for (const cur of ['USD', 'JPY']) {
      const section = rows.filter((r) => r[0] === cur);
      const items = section.filter((r) => !r[2]?.endsWith('_balance'));
      expect(items.at(-1)?.[6]).toBe(section.at(-1)?.[6]);
    }
  });

  it('guards a description that starts like a formula, and keeps negative amounts as numbers', () => {
    const s = statement({
      sections: [
        {
          currency: currency('KWD'),
          opening: 0n,
          items: [
            item({
              at: day(2),
              amount: -1_005n,
              description: '=HYPERLINK("http://evil.example","Click")',
              reference: '@SUM(1)',
            }),
          ],
          closing: -1_005n,
        },
      ],
    });
    const text = statementCsv(s);
    expect(text).toContain(
      '"\'=HYPERLINK(""http://evil.example"",""Click"")",\'@SUM(1),-1.005,-1.005',
    );
    const [, , row] = records(text);
    expect(row?.[3]).toBe('\'=HYPERLINK("http://evil.example","Click")');
    expect(row?.[5]).toBe('-1.005');
  });

  it('refuses a section whose items do not lead to its closing balance', () => {
    const s = statement();
    const usd = s.sections[0];
    if (usd) usd.closing = 0n;
    expect(() => statementCsv(s)).toThrow(/does not add up/);
    expect(() => statementHtml(s)).toThrow(/does not add up/);
  });
});

describe('escapeHtml', () => {
  it('escapes the five HTML-special characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;',
    );
  });
});

describe('statementHtml', () => {
  it('is a complete, self-contained document with the title and a table per currency', () => {
    const html = statementHtml(statement());
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('<title>Statement — Ada Lovelace — Acme partners — 2026-10</title>');
    expect(html.match(/<table>/g)).toHaveLength(2);
    expect(html).toContain('<h2>USD</h2>');
    expect(html).toContain('<h2>JPY</h2>');
    expect(html).not.toMatch(/<script|<link|src=|@import|url\(/i);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
  });

  it('shows opening, items with running balance, and closing, amounts right-aligned', () => {
    const html = statementHtml(statement());
    expect(html).toContain('Opening balance</td><td></td><td class="num">100.00</td>');
    expect(html).toContain('<td class="num">19.80</td><td class="num">119.80</td>');
    expect(html).toContain('<td class="num neg">-120.00</td><td class="num neg">-5.20</td>');
    expect(html).toContain('Closing balance</td><td></td><td class="num neg">-5.20</td>');
    expect(html).toContain('<td class="num">1500</td>');
    expect(html).toContain('.num { text-align: right;');
  });

  it('escapes every text, a partner named like a script included', () => {
    const html = statementHtml(
      statement({
        partner: { id: 'prt_"x"', name: '<script>alert(1)</script>' },
        program: { id: 'prg_1', name: 'Tom & Jerry' },
        sections: [
          {
            currency: currency('USD'),
            opening: 0n,
            items: [item({ at: day(2), amount: 1n, description: '<img src=x onerror=alert(1)>' })],
            closing: 1n,
          },
        ],
      }),
    );
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain(
      '<title>Statement — &lt;script&gt;alert(1)&lt;/script&gt; — Tom &amp; Jerry — 2026-10</title>',
    );
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('prt_&quot;x&quot;');
  });

  it('says so when a section has no movements, or there are no sections', () => {
    const quiet = statementHtml(
      statement({
        sections: [{ currency: currency('EUR'), opening: 500n, items: [], closing: 500n }],
      }),
    );
    expect(quiet).toContain('No movements in this period.');
    expect(statementHtml(statement({ sections: [] }))).toContain('No balance and no movements');
  });
});
