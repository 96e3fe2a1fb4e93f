import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { csvCell } from '../core/csv-cell.js';
import { printable, type Writer } from './cli-io.js';

/** One row the import could not store: where it is in the file and why. */
export interface RowError {
  line: number;
  id: string | null;
  code: string;
  message: string;
}

/** While a progress bar is drawn, at most this many error lines wait for it to finish. */
const HELD_LINES = 1000;

/**
 * Reports rejected rows as they come: a line on stderr each, and a row each
 * in an optional CSV file (`line,id,code,message`, cells defused against
 * formula injection). While a progress bar owns the terminal, stderr lines
 * are held back (the first thousand) and printed when it is done.
 */
export class ErrorReport {
  count = 0;
  private readonly file: WriteStream | undefined;
  private held: string[] | undefined;
  private notShown = 0;

  private constructor(
    private readonly stderr: Writer,
    file: WriteStream | undefined,
    readonly path: string | undefined,
  ) {
    this.file = file;
  }

  /** Opens the report; with a path, creates (or truncates) the CSV file and writes its header. */
  static async open(stderr: Writer, path?: string): Promise<ErrorReport> {
    if (!path) return new ErrorReport(stderr, undefined, undefined);
    const file = createWriteStream(path, { encoding: 'utf8' });
    await Promise.race([
      once(file, 'open'),
      once(file, 'error').then(([e]) => {
        throw e;
      }),
    ]);
    const report = new ErrorReport(stderr, file, path);
    await report.writeFile('line,id,code,message\n');
    return report;
  }

  /** Holds stderr lines until `release()`; used while a progress bar is drawn on the same terminal. */
  hold(): void {
    this.held ??= [];
  }

  async add(e: RowError): Promise<void> {
    this.count++;
    const text = `line ${e.line}${e.id ? ` (id ${printable(e.id)})` : ''}: ${e.code}: ${printable(e.message)}\n`;
    if (!this.held) this.stderr.write(text);
    else if (this.held.length < HELD_LINES) this.held.push(text);
    else this.notShown++;
    if (this.file) {
      await this.writeFile(
        `${[e.line, e.id, e.code, e.message].map((v) => csvCell(String(v ?? ''))).join(',')}\n`,
      );
    }
  }

  /** Prints what was held back, and says how much was left out. */
  release(): void {
    if (!this.held) return;
    for (const line of this.held) this.stderr.write(line);
    if (this.notShown) {
      this.stderr.write(
        `… and ${this.notShown} more rejected rows${this.path ? ` (all of them are in ${this.path})` : ' (write them all to a file with --errors FILE)'}\n`,
      );
    }
    this.held = undefined;
    this.notShown = 0;
  }

  async close(): Promise<void> {
    this.release();
    if (!this.file) return;
    const file = this.file;
    await new Promise<void>((resolve, reject) => {
      file.once('error', reject);
      file.end(() => resolve());
    });
  }

  private async writeFile(text: string): Promise<void> {
    if (this.file && !this.file.write(text)) await once(this.file, 'drain');
  }
}
