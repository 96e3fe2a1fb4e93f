import type { Readable } from 'node:stream';

/** Where a command writes: `process.stdout` in a terminal, a string buffer in tests. */
export interface Writer {
  write(text: string): unknown;
  /** Set on a terminal; the progress bar is drawn only then. */
  isTTY?: boolean;
}

/**
 * Everything a command reads from or writes to the outside world besides
 * files and the network, so that tests run the CLI in-process.
 */
export interface CliIo {
  stdout: Writer;
  stderr: Writer;
  env: Record<string, string | undefined>;
  /** Relative paths are resolved against this (default: the process's cwd). */
  cwd?: string;
  /** Read by `events import -`. */
  stdin?: Readable;
  /** Backoff between retries of a failed batch, in ms (tests make it short). */
  retryDelaysMs?: readonly number[];
}

/**
 * A failure that ends the command with a message and an exit code (1 unless
 * stated); thrown by commands, printed once by `run`.
 */
export class CliError extends Error {
  readonly exitCode: number;
  /** Extra lines printed under the message, indented (e.g. problems by path). */
  readonly lines: readonly string[];
  constructor(message: string, opts: { exitCode?: number; lines?: readonly string[] } = {}) {
    super(message);
    this.name = 'CliError';
    this.exitCode = opts.exitCode ?? 1;
    this.lines = opts.lines ?? [];
  }
}

/**
 * Text from the server or a data file, made safe to print on a terminal:
 * control characters (which could move the cursor or recolour the screen)
 * become "?". Use for one-line values such as names and messages.
 */
export function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}
