/**
 * Cells of the CSV files Tandem writes (payout files, statements): RFC 4180
 * quoting plus a guard against formula injection. A file we hand an operator
 * is opened in a spreadsheet, and a partner controls some of its text (their
 * name, a description), so no text cell may start like a formula.
 */

/** What a spreadsheet may read as the start of a formula (OWASP, "CSV Injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;
/**
 * Some spreadsheets trim leading spaces before evaluating, so " =1+1" is
 * guarded too; the guard quote then comes before the spaces, which keeps the
 * value readable and inert.
 */
const SPACED_FORMULA_START = /^ +[=+\-@]/;
/** Quoted when it holds a delimiter, a quote or a line break, or would lose leading/trailing spaces. */
const NEEDS_QUOTES = /[",\r\n]|^ | $/;
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * Encodes one text cell. A value starting with =, +, -, @, tab or carriage
 * return (or spaces and then =, +, - or @) gets a leading `'`, which
 * spreadsheets show as text instead of evaluating; then the cell is quoted
 * when RFC 4180 requires it. Numbers we write ourselves go through
 * `csvNumber` instead, so that "-12.50" stays a number.
 *
 * @example
 * csvCell('=HYPERLINK("http://x")') // => "'=HYPERLINK(""http://x"")" (quoted)
 * csvCell('Acme, Inc.')             // => '"Acme, Inc."'
 */
export function csvCell(value: string): string {
  const text = FORMULA_START.test(value) || SPACED_FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Encodes a plain decimal number that Tandem formatted (an amount from
 * `formatAmount`, a count), as is. Anything else is a programming error and
 * throws: this is the one way around the formula guard, so it admits only
 * /^-?\d+(\.\d+)?$/.
 */
export function csvNumber(text: string): string {
  if (!PLAIN_NUMBER.test(text)) throw new RangeError(`csvNumber: not a plain number: "${text}"`);
  return text;
}

/** Joins cells already encoded by `csvCell`/`csvNumber` into one record, ending in CRLF. */
export function csvRow(cells: readonly string[]): string {
  return `${cells.join(',')}\r\n`;
}
