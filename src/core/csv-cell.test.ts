import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvCell, csvNumber, csvRow } from './csv-cell.js';
import { CsvParser } from './csv-parser.js';

/** Parses CSV text the way the result-file readers do: line by line through CsvParser. */
function parseRows(text: string): string[][] {
  const parser = new CsvParser();
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  const rows: string[][] = [];
  for (const [i, line] of lines.entries()) {
    const r = parser.push(line, i + 1);
    if (r && 'fields' in r) rows.push(r.fields);
    else if (r) throw new Error(`line ${r.line}: ${r.error}`);
  }
  const last = parser.end(lines.length);
  if (last) throw new Error(`line ${last.line}: ${'error' in last ? last.error : ''}`);
  return rows;
}

describe('csvCell', () => {
  it('leaves plain text alone', () => {
    expect(csvCell('Acme Partners')).toBe('Acme Partners');
    expect(csvCell('')).toBe('');
    expect(csvCell('pay_01h2xcejqtf2nbrexx3vqjhp41')).toBe('pay_01h2xcejqtf2nbrexx3vqjhp41');
  });

  it('quotes commas, quotes, line breaks and leading or trailing spaces', () => {
    expect(csvCell('Acme, Inc.')).toBe('"Acme, Inc."');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\rhere')).toBe('"cr\rhere"');
    expect(csvCell(' padded')).toBe('" padded"');
    expect(csvCell('padded ')).toBe('"padded "');
  });

  it('guards every formula start with a leading quote', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-12.50')).toBe("'-12.50");
    expect(csvCell('@SUM(1)')).toBe("'@SUM(1)");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('\rx')).toBe('"\'\rx"');
    // The guard quote comes first, so the spaces are no longer leading and need no quotes.
    expect(csvCell(" =cmd|' /C calc'!A0")).toBe("' =cmd|' /C calc'!A0");
  });

  it('guards and then quotes a formula that needs quoting', () => {
    expect(csvCell('=HYPERLINK("http://evil.example","click")')).toBe(
      '"\'=HYPERLINK(""http://evil.example"",""click"")"',
    );
    expect(csvCell("=cmd|' /C calc'!A0")).toBe("'=cmd|' /C calc'!A0");
  });

  it('does not guard a formula character that is not first', () => {
    expect(csvCell('a=b')).toBe('a=b');
    expect(csvCell('user@example.com')).toBe('user@example.com');
    expect(csvCell('12-34-56')).toBe('12-34-56');
  });
});

describe('csvNumber', () => {
  it('writes our own plain decimals as they are, negative ones included', () => {
    expect(csvNumber('-12.50')).toBe('-12.50');
    expect(csvNumber('1000')).toBe('1000');
    expect(csvNumber('0.125')).toBe('0.125');
  });

  it('refuses anything but a plain decimal', () => {
    for (const bad of ['', '+1', '1e5', '1,000.00', '=1', '.5', '1.', ' 1', '1 ', '--1', 'NaN']) {
      expect(() => csvNumber(bad), bad).toThrow(RangeError);
    }
  });
});

describe('csvRow', () => {
  it('joins encoded cells with commas and ends the record with CRLF', () => {
    expect(csvRow([csvCell('a'), csvNumber('-1.00'), csvCell('b,c')])).toBe('a,-1.00,"b,c"\r\n');
    expect(csvRow([])).toBe('\r\n');
  });
});

describe('csvCell property', () => {
  const guard = (v: string) => (/^[=+\-@\t\r]/.test(v) || /^ +[=+\-@]/.test(v) ? `'${v}` : v);
  /** A line break inside quotes is read back as "\n" (see CsvParser). */
  const asRead = (v: string) => v.replaceAll('\r\n', '\n');

  it('reads back the value (guarded when it started like a formula), and never a formula', () => {
    const text = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 30 }),
      fc.string({
        unit: fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', '"', ',', ' ', 'a', "'"),
        maxLength: 12,
      }),
    );
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 5 }), (values) => {
        // A row of one empty cell is a blank line, which CSV readers skip; pad it.
        const cells = [...values, 'end'];
        const rows = parseRows(csvRow(cells.map(csvCell)));
        expect(rows).toHaveLength(1);
        const read = rows[0] as string[];
        expect(read).toEqual(cells.map((v) => asRead(guard(v))));
        for (const field of read) expect(field).not.toMatch(/^[=+\-@\t\r]/);
      }),
      { numRuns: 2000 },
    );
  });
});
