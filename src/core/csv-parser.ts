/**
 * One CSV record: its fields, or why it could not be read. `line` is the
 * file line the record starts on (1-based), which is what people look up in
 * an editor; a quoted field may continue over later lines.
 */
export type CsvRecord =
  | { line: number; fields: string[] }
  | { line: number; error: string; fatal?: true };

/** A quoted field longer than this is taken for a stray quote rather than read on. */
export const MAX_RECORD_CHARS = 1024 * 1024;

/**
 * An RFC 4180 CSV parser fed one line at a time (the text of a line without
 * its line break, as node:readline gives it), so that a file of any size is
 * read in constant memory. Quoted fields may hold commas, doubled quotes
 * ("") and line breaks; a line break inside quotes is read as "\n".
 * Strict where leniency would guess: a quote inside an unquoted field, or
 * text after a closing quote, makes the record an error. An error skips the
 * rest of its record, and parsing resumes on the next line.
 */
export class CsvParser {
  private readonly maxRecordChars: number;
  /** Inside a quoted field, which may continue on the next line; else at the start of a field. */
  private quoted = false;
  private fields: string[] = [];
  private field = '';
  private startLine = 0;
  private chars = 0;

  constructor(opts: { maxRecordChars?: number } = {}) {
    this.maxRecordChars = opts.maxRecordChars ?? MAX_RECORD_CHARS;
  }

  /** Reads one line; returns a record when this line completes one. Blank lines yield nothing. */
  push(line: string, lineNumber: number): CsvRecord | undefined {
    let i = 0;
    if (this.quoted) {
      this.field += '\n';
      this.chars += line.length + 1;
      if (this.chars > this.maxRecordChars) {
        const start = this.startLine;
        this.reset();
        return {
          line: start,
          error: `a quoted field starting on this line runs on for more than ${this.maxRecordChars} characters (a quote that is never closed?)`,
          fatal: true,
        };
      }
    } else {
      if (line.length === 0) return undefined;
      this.startLine = lineNumber;
      this.chars = line.length;
    }
    for (;;) {
      if (this.quoted) {
        const q = line.indexOf('"', i);
        if (q < 0) {
          this.field += line.slice(i);
          return undefined;
        }
        this.field += line.slice(i, q);
        if (line.charCodeAt(q + 1) === 34) {
          this.field += '"';
          i = q + 2;
          continue;
        }
        i = q + 1;
        this.fields.push(this.field);
        this.field = '';
        this.quoted = false;
        if (i === line.length) return this.finish();
        if (line.charCodeAt(i) !== 44) {
          return this.fail(`unexpected text after a closing quote: ${preview(line.slice(i))}`);
        }
        i++;
        continue;
      }
      if (line.charCodeAt(i) === 34) {
        this.quoted = true;
        i++;
        continue;
      }
      const comma = line.indexOf(',', i);
      const value = line.slice(i, comma < 0 ? line.length : comma);
      if (value.includes('"')) {
        return this.fail(
          `a quote inside an unquoted field (${preview(value)}): quote the whole field and double the quote, as in "say ""hi"""`,
        );
      }
      this.fields.push(value);
      if (comma < 0) return this.finish();
      i = comma + 1;
    }
  }

  /** Call at the end of the input: reports a quoted field that was never closed. */
  end(lastLine: number): CsvRecord | undefined {
    if (!this.quoted) return undefined;
    const start = this.startLine;
    this.reset();
    return {
      line: start,
      error: `a quoted field starting on this line is never closed (lines ${start}–${lastLine} were read as one field)`,
    };
  }

  private finish(): CsvRecord {
    const record = { line: this.startLine, fields: this.fields };
    this.reset();
    return record;
  }

  private fail(error: string): CsvRecord {
    const record = { line: this.startLine, error };
    this.reset();
    return record;
  }

  private reset() {
    this.quoted = false;
    this.fields = [];
    this.field = '';
    this.chars = 0;
  }
}

function preview(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}
