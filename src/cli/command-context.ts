import type { Command } from 'commander';
import { ApiClient } from './api-client.js';
import type { CliIo } from './cli-io.js';

/** What every command gets: the io, a way to set the exit code, and the API client. */
export interface CommandContext {
  io: CliIo;
  setExitCode(code: number): void;
  /** A client for the API at `--url`/`TANDEM_URL` with `--key`/`TANDEM_API_KEY`/the key file. */
  client(cmd: Command): ApiClient;
}

export function commandContext(io: CliIo, setExitCode: (code: number) => void): CommandContext {
  return {
    io,
    setExitCode,
    client: (cmd) => {
      const o = cmd.optsWithGlobals<{ url?: string; key?: string }>();
      return ApiClient.connect({ url: o.url, key: o.key }, io);
    },
  };
}
