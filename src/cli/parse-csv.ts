import { CsvParser, type CsvRecord } from '../core/csv-parser.js';

export type { CsvRecord } from '../core/csv-parser.js';

/**
 * Parses CSV from lines (an async iterable such as node:readline's
 * interface, or an array), yielding records as they complete. A byte order
 * mark at the start is dropped.
 *
 * @example
 * for await (const r of parseCsv(createInterface({ input: createReadStream(file), crlfDelay: Infinity })))
 *   if ('fields' in r) use(r.fields);
 */
export async function* parseCsv(
  lines: AsyncIterable<string> | Iterable<string>,
  opts: { maxRecordChars?: number } = {},
): AsyncGenerator<CsvRecord> {
  const parser = new CsvParser(opts);
  let n = 0;
  for await (let line of lines) {
    n++;
    if (n === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    const record = parser.push(line, n);
    if (record) yield record;
  }
  const last = parser.end(n);
  if (last) yield last;
}
