import type { CliIo } from './cli-io.js';

/** A `CliIo` that records what a command writes: for tests and for embedding the CLI. */
export function captureIo(
  opts: { env?: Record<string, string | undefined>; cwd?: string; isTTY?: boolean } = {},
): CliIo & { out(): string; err(): string } {
  let out = '';
  let err = '';
  return {
    stdout: {
      write: (s: string) => {
        out += s;
        return true;
      },
      ...(opts.isTTY ? { isTTY: true } : {}),
    },
    stderr: {
      write: (s: string) => {
        err += s;
        return true;
      },
    },
    env: opts.env ?? {},
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    retryDelaysMs: [5, 10],
    out: () => out,
    err: () => err,
  };
}
