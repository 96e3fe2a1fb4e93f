import { type Command, InvalidArgumentError, Option } from 'commander';
import type { CommandContext } from './command-context.js';
import { CSV_COLUMN_NAMES } from './csv-columns.js';
import { importEvents, MAX_BATCH } from './events-import.js';

/** `tandem events import`. */
export function eventsCommands(root: Command, ctx: CommandContext): void {
  const events = root.command('events').description('send events to Tandem');
  events
    .command('import')
    .description('stream events from a CSV or JSON Lines file to the API, in batches')
    .argument('<file>', 'a .csv, .jsonl or .ndjson file, or - for standard input (with --format)')
    .addOption(
      new Option('--format <format>', 'file format (default: from the file name)').choices([
        'csv',
        'jsonl',
      ]),
    )
    .option('--batch <n>', `events per request, 1–${MAX_BATCH}`, parseBatch, 500)
    .option('--source <name>', 'source for events that name none (the id is unique per source)')
    .option('--errors <file.csv>', 'also write the rejected rows to this CSV file')
    .addHelpText(
      'after',
      `
CSV: a header row, then one event per row. Columns:
${wrap(CSV_COLUMN_NAMES.join(', '), 76, '  ')}
Empty cells are absent fields; amounts are decimals in the currency ("19.99").
JSON Lines: one event object per line, as POST /v1/events takes it.

Prints each rejected row (file line, event id, error code, message) on stderr,
then: N accepted, N duplicates, N rejected. Exit code 0 when nothing was
rejected, 2 when some rows were, 1 when the import could not run or stopped.
Importing the same file again is safe: events are stored once per id.

Examples:
  $ tandem events import examples/events.csv
  $ tandem events import payments.jsonl --batch 1000 --source billing
  $ tandem events import export.csv --errors rejected.csv
  $ zcat events.jsonl.gz | tandem events import - --format jsonl`,
    )
    .action(
      async (
        file: string,
        opts: { format?: 'csv' | 'jsonl'; batch: number; source?: string; errors?: string },
        cmd: Command,
      ) => {
        ctx.setExitCode(await importEvents(ctx.client(cmd), { file, ...opts }, ctx.io));
      },
    );
}

function parseBatch(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > MAX_BATCH)
    throw new InvalidArgumentError(`a whole number from 1 to ${MAX_BATCH}`);
  return n;
}

function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines.join('\n');
}
