import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CsvRecord, parseCsv } from './parse-csv.js';

/** Splits text into lines the way node:readline does (\n, \r\n; no final empty line). */
const linesOf = (text: string) => {
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
};

async function parse(text: string, opts: { maxRecordChars?: number } = {}): Promise<CsvRecord[]> {
  const out: CsvRecord[] = [];
  for await (const r of parseCsv(linesOf(text), opts)) out.push(r);
  return out;
}

describe('parseCsv', () => {
  it('reads plain rows with their line numbers, keeping empty fields', async () => {
    expect(await parse('a,b,c\n1,,3\n,,\n')).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', '', '3'] },
      { line: 3, fields: ['', '', ''] },
    ]);
  });

  it('reads quoted fields with commas, doubled quotes and empty quotes', async () => {
    expect(await parse('"a,b","say ""hi""","",x\n')).toEqual([
      { line: 1, fields: ['a,b', 'say "hi"', '', 'x'] },
    ]);
  });

  it('reads a quoted field over several lines and numbers records by their first line', async () => {
    const text = 'id,note\n1,"first\nsecond\n\nfourth"\n2,after\n';
    expect(await parse(text)).toEqual([
      { line: 1, fields: ['id', 'note'] },
      { line: 2, fields: ['1', 'first\nsecond\n\nfourth'] },
      { line: 6, fields: ['2', 'after'] },
    ]);
  });

  it('handles CRLF files, a byte order mark, blank lines and a trailing empty field', async () => {
    expect(await parse('\uFEFFa,b\r\n\r\n1,\r\n"x\r\ny",2\r\n')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 3, fields: ['1', ''] },
      { line: 4, fields: ['x\ny', '2'] },
    ]);
  });

  it('keeps spaces and a quote that closes right before the end of the line', async () => {
    expect(await parse(' a , b ,"c"\n')).toEqual([{ line: 1, fields: [' a ', ' b ', 'c'] }]);
  });

  it('reports a quote inside an unquoted field, and goes on with the next line', async () => {
    const r = await parse('a,b\n1,5" screen\n2,ok\n');
    expect(r[1]).toMatchObject({ line: 2, error: expect.stringContaining('quote inside') });
    expect(r[2]).toEqual({ line: 3, fields: ['2', 'ok'] });
  });

  it('reports text after a closing quote', async () => {
    const r = await parse('"a"b,c\nx,y\n');
    expect(r[0]).toMatchObject({
      line: 1,
      error: expect.stringContaining('after a closing quote'),
    });
    expect(r[1]).toEqual({ line: 2, fields: ['x', 'y'] });
  });

  it('reports a quote that is never closed, at the line it opened', async () => {
    const r = await parse('a,b\n1,"open\n2,x\n3,y\n');
    expect(r).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, error: expect.stringContaining('never closed (lines 2–4') },
    ]);
  });

  it('gives up on a quoted field that runs past the size limit (a stray quote) instead of buffering the file', async () => {
    const text = `a\n"${'x\n'.repeat(100)}`;
    const r = await parse(text, { maxRecordChars: 50 });
    expect(r[1]).toMatchObject({ line: 2, fatal: true });
  });

  it('round-trips any table written with csvCell-style quoting', async () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', ' ', 'é') });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(cell, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 5 }),
        async (rows) => {
          const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;
          const text = rows.map((r) => r.map(quote).join(',')).join('\n');
          const parsed = await parse(text);
          expect(parsed.map((p) => ('fields' in p ? p.fields : p))).toEqual(rows);
        },
      ),
    );
  });

  it('streams a file through node:readline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-csv-'));
    try {
      const file = join(dir, 'x.csv');
      writeFileSync(file, 'a,b\r\n"1\r\n2",3\r\n');
      const out: CsvRecord[] = [];
      const lines = createInterface({
        input: createReadStream(file),
        crlfDelay: Number.POSITIVE_INFINITY,
      });
      for await (const r of parseCsv(lines)) out.push(r);
      expect(out).toEqual([
        { line: 1, fields: ['a', 'b'] },
        { line: 2, fields: ['1\n2', '3'] },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
