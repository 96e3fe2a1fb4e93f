import { createReadStream, type ReadStream, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import cliProgress from 'cli-progress';
import { type ApiClient, ApiError } from './api-client.js';
import { CliError, type CliIo } from './cli-io.js';
import { CsvColumns } from './csv-columns.js';
import { ErrorReport, type RowError } from './error-report.js';
import { parseCsv } from './parse-csv.js';

/** The API takes at most this many events per request. */
export const MAX_BATCH = 1000;
/** A batch is also sent when its JSON reaches this size (the server accepts 8 MiB). */
const MAX_BATCH_BYTES = 4 * 1024 * 1024;
const SOURCE = /^[a-z0-9][a-z0-9_.-]{0,62}$/;

export interface ImportEventsOptions {
  /** A path, or `-` for standard input. */
  file: string;
  format?: 'csv' | 'jsonl' | undefined;
  batch?: number | undefined;
  /** Stamped on events that name no source of their own. */
  source?: string | undefined;
  /** Where to write the rejected rows as CSV. */
  errors?: string | undefined;
}

export interface ImportSummary {
  rows: number;
  accepted: number;
  duplicates: number;
  rejected: number;
}

type Row =
  | { line: number; event: Record<string, unknown> }
  | { line: number; error: RowError }
  /** The rest of the file cannot be read; what came before it is still sent. */
  | { line: number; fatal: CliError };

interface Pending {
  lines: number[];
  events: Record<string, unknown>[];
  bytes: number;
}

interface IngestAnswer {
  accepted: number;
  duplicates: number;
  rejected: number;
  results: {
    index: number;
    id: string | null;
    status: 'accepted' | 'duplicate' | 'rejected';
    error?: { code: string; message: string };
  }[];
}

/**
 * Streams events from a CSV or JSON Lines file to POST /v1/events in batches,
 * reporting every row that was not stored with its file line. Rows that do
 * not parse locally are reported and never sent. A batch that fails on the
 * network or with a 5xx is sent again after a pause: events are idempotent by
 * id, so a batch the server did store comes back as duplicates.
 *
 * Returns the exit code: 0 when every row was stored (or was a duplicate), 2
 * when some were rejected. Throws `CliError` when the import cannot go on
 * (unreadable file, bad header, the API refusing the key, …), after printing
 * what it had done by then.
 */
export async function importEvents(
  client: ApiClient,
  opts: ImportEventsOptions,
  io: CliIo,
): Promise<number> {
  const format = opts.format ?? formatOf(opts.file);
  const batchSize = opts.batch ?? 500;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH)
    throw new CliError(`--batch must be a whole number from 1 to ${MAX_BATCH}`);
  if (opts.source !== undefined && !SOURCE.test(opts.source))
    throw new CliError('--source must be lowercase letters, digits, _ . or - (max 63)');

  const { input, size } = openInput(opts.file, io);
  let report: ErrorReport;
  try {
    report = await ErrorReport.open(
      io.stderr,
      opts.errors ? resolve(io.cwd ?? process.cwd(), opts.errors) : undefined,
    );
  } catch (e) {
    input.destroy();
    throw new CliError(`cannot write ${opts.errors}: ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
  const summary: ImportSummary = { rows: 0, accepted: 0, duplicates: 0, rejected: 0 };
  const bar =
    io.stdout.isTTY && size !== undefined
      ? new cliProgress.SingleBar(
          {
            stream: io.stdout as NodeJS.WritableStream,
            format:
              '{bar} {percentage}% | {rows} rows | {accepted} accepted, {duplicates} duplicates, {rejected} rejected | ETA {eta_formatted}',
            hideCursor: true,
            etaBuffer: 50,
          },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
  // Ctrl-C while the bar is drawn: give the terminal back (cursor, line wrap) and say where it got to.
  const onInterrupt = () => {
    bar?.stop();
    report.release();
    io.stdout.write(`${line(summary)} (interrupted; importing again is safe)\n`);
    process.exit(130);
  };
  if (bar) {
    report.hold();
    bar.start(size as number, 0, { ...summary });
    process.once('SIGINT', onInterrupt);
  }
  const pending: Pending = { lines: [], events: [], bytes: 0 };
  const reject = async (e: RowError) => {
    summary.rejected++;
    await report.add(e);
  };
  const flush = async () => {
    if (!pending.events.length) return;
    const answer = await sendBatch(client, pending, io, bar !== undefined);
    summary.accepted += answer.accepted;
    summary.duplicates += answer.duplicates;
    for (const r of answer.results) {
      if (r.status !== 'rejected') continue;
      await reject({
        line: pending.lines[r.index] ?? 0,
        id: r.id ?? idOf(pending.events[r.index]),
        code: r.error?.code ?? 'rejected',
        message: r.error?.message ?? 'rejected by the server',
      });
    }
    pending.lines = [];
    pending.events = [];
    pending.bytes = 0;
    bar?.update((input as ReadStream).bytesRead ?? 0, { ...summary });
  };

  try {
    const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    const rows = format === 'csv' ? csvRows(lines) : jsonlRows(lines);
    for await (const row of rows) {
      if ('fatal' in row) {
        await flush();
        throw row.fatal;
      }
      summary.rows++;
      if ('error' in row) {
        await reject(row.error);
        continue;
      }
      const event = row.event;
      if (opts.source !== undefined && event.source === undefined) event.source = opts.source;
      const bytes = JSON.stringify(event).length + 1;
      if (pending.events.length && pending.bytes + bytes > MAX_BATCH_BYTES) await flush();
      pending.lines.push(row.line);
      pending.events.push(event);
      pending.bytes += bytes;
      if (pending.events.length >= batchSize) await flush();
    }
    await flush();
    if (bar) bar.update(size as number, { ...summary });
  } catch (e) {
    bar?.stop();
    await report.close();
    if (summary.rows > 0) io.stdout.write(`${line(summary)} (stopped early)\n`);
    const first = pending.lines[0];
    if (e instanceof CliError && summary.rows > 0) {
      throw new CliError(e.message, {
        lines: [
          ...e.lines,
          ...(first !== undefined
            ? [
                `rows before line ${first} were processed (see the totals); from line ${first} on, nothing is confirmed`,
              ]
            : []),
          'running the same import again is safe: stored events come back as duplicates',
        ],
      });
    }
    throw e;
  } finally {
    input.destroy();
    process.removeListener('SIGINT', onInterrupt);
  }
  bar?.stop();
  await report.close();
  io.stdout.write(`${line(summary)}\n`);
  if (summary.rejected && report.path) io.stdout.write(`rejected rows: ${report.path}\n`);
  return summary.rejected > 0 ? 2 : 0;
}

const line = (s: ImportSummary) =>
  `${s.accepted} accepted, ${s.duplicates} duplicates, ${s.rejected} rejected`;

function formatOf(file: string): 'csv' | 'jsonl' {
  if (/\.csv$/i.test(file)) return 'csv';
  if (/\.(jsonl|ndjson)$/i.test(file)) return 'jsonl';
  throw new CliError(`cannot tell the format of ${file}: pass --format csv or --format jsonl`);
}

function openInput(file: string, io: CliIo): { input: Readable; size: number | undefined } {
  if (file === '-') {
    return { input: io.stdin ?? process.stdin, size: undefined };
  }
  const path = resolve(io.cwd ?? process.cwd(), file);
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new CliError(`${file} is not a file`);
    size = stat.size;
  } catch (e) {
    if (e instanceof CliError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code}`);
  }
  return { input: createReadStream(path), size };
}

async function* csvRows(lines: AsyncIterable<string>): AsyncGenerator<Row> {
  let columns: CsvColumns | undefined;
  for await (const record of parseCsv(lines)) {
    if ('error' in record) {
      if (!columns || record.fatal) {
        const fatal = new CliError(`line ${record.line}: ${record.error}`, {
          lines: columns ? [] : ['the first row must be a header naming the columns'],
        });
        yield { line: record.line, fatal };
        return;
      }
      yield { line: record.line, error: rowError(record.line, 'invalid_csv', record.error) };
      continue;
    }
    if (!columns) {
      const header = CsvColumns.fromHeader(record.fields);
      if (!header.ok)
        throw new CliError(`line ${record.line}: the header is not usable`, {
          lines: header.problems,
        });
      columns = header.columns;
      continue;
    }
    if (record.fields.every((f) => f === '')) continue;
    if (record.fields.length !== columns.count) {
      yield {
        line: record.line,
        error: rowError(
          record.line,
          'invalid_csv',
          `the row has ${record.fields.length} fields; the header has ${columns.count}`,
        ),
      };
      continue;
    }
    yield { line: record.line, event: columns.toEvent(record.fields) };
  }
  if (!columns) throw new CliError('the file is empty: it needs a header row and events');
}

async function* jsonlRows(lines: AsyncIterable<string>): AsyncGenerator<Row> {
  let n = 0;
  for await (let text of lines) {
    n++;
    if (n === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (!text.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      yield { line: n, error: rowError(n, 'invalid_json', (e as Error).message) };
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      yield { line: n, error: rowError(n, 'invalid_json', 'each line must be one event object') };
      continue;
    }
    yield { line: n, event: value as Record<string, unknown> };
  }
}

function rowError(line: number, code: string, message: string): RowError {
  return { line, id: null, code, message };
}

function idOf(event: Record<string, unknown> | undefined): string | null {
  return typeof event?.id === 'string' ? event.id : null;
}

async function sendBatch(
  client: ApiClient,
  pending: Pending,
  io: CliIo,
  quiet: boolean,
): Promise<IngestAnswer> {
  const first = pending.lines[0];
  const last = pending.lines[pending.lines.length - 1];
  try {
    const r = await client.post<IngestAnswer>('/v1/events', {
      body: { events: pending.events },
      // Safe to repeat: the server stores each event once under its id.
      retry: true,
      onRetry: (attempt, reason, delayMs) => {
        if (!quiet)
          io.stderr.write(
            `lines ${first}–${last}: ${reason}; retrying in ${delayMs < 1000 ? `${delayMs} ms` : `${delayMs / 1000} s`} (attempt ${attempt + 1})\n`,
          );
      },
    });
    return r.body;
  } catch (e) {
    if (e instanceof ApiError || e instanceof CliError) throw e;
    throw new CliError(`lines ${first}–${last}: ${(e as Error).message}`);
  }
}
