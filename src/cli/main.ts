import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { backtestCommand } from './backtest-command.js';
import { campaignsCommands } from './campaigns-commands.js';
import { CliError, type CliIo } from './cli-io.js';
import { commandContext } from './command-context.js';
import { eventsCommands } from './events-commands.js';
import { integrationsCommands } from './integrations-commands.js';
import { keysCommands } from './keys-commands.js';
import { mdfCommands } from './mdf-commands.js';
import { partnersCommands } from './partners-commands.js';
import { payoutsCommands } from './payouts-commands.js';
import { programCommands } from './program-commands.js';
import { sandboxCommands } from './sandbox-commands.js';
import { tiersCommands } from './tiers-commands.js';

const version = (
  JSON.parse(
    readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8'),
  ) as { version: string }
).version;

/** The `tandem` command with every subcommand, writing to `io`. */
export function buildCli(io: CliIo, setExitCode: (code: number) => void): Command {
  const root = new Command('tandem')
    .description('Tandem partner incentive engine: validate and publish programs, import events')
    .version(version, '-V, --version')
    .option('--url <url>', 'the Tandem API (env TANDEM_URL, default http://localhost:3000)')
    .option(
      '--key <key>',
      'API key (env TANDEM_API_KEY, else $TANDEM_DATA_DIR/admin-api-key, default ./data/admin-api-key)',
    )
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      getOutHelpWidth: () => 100,
      getErrHelpWidth: () => 100,
    })
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      `
Examples:
  $ tandem program validate examples/program.yaml
  $ tandem program publish examples/program.yaml
  $ tandem events import examples/events.csv --errors rejected.csv
  $ tandem keys create --name "billing sync" --scopes events:write
  $ tandem partners list --status approved

Run "tandem <command> <subcommand> --help" for the options of each.`,
    );
  const ctx = commandContext(io, setExitCode);
  programCommands(root, ctx);
  eventsCommands(root, ctx);
  keysCommands(root, ctx);
  partnersCommands(root, ctx);
  tiersCommands(root, ctx);
  payoutsCommands(root, ctx);
  integrationsCommands(root, ctx);
  campaignsCommands(root, ctx);
  mdfCommands(root, ctx);
  backtestCommand(root, ctx);
  sandboxCommands(root, ctx);
  return root;
}

/**
 * Runs the CLI with `argv` (the arguments after `tandem`) and returns the
 * exit code: 0 success, 1 failure, 2 an import with rejected rows. Never
 * exits the process, so tests call it in-process.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const cli = buildCli(io, (code) => {
    exitCode = code;
  });
  try {
    await cli.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (e instanceof CliError) {
      io.stderr.write(`error: ${e.message}\n${e.lines.map((l) => `  ${l}\n`).join('')}`);
      return e.exitCode;
    }
    const err = e as Error;
    io.stderr.write(`error: ${io.env.TANDEM_DEBUG ? err.stack : (err?.message ?? String(e))}\n`);
    return 1;
  }
}

function isMain(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return pathToFileURL(realpathSync(script)).href === import.meta.url;
  } catch {
    return false;
  }
}

if (isMain()) {
  run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env })
    .then((code) => {
      process.exitCode = code;
    })
    .catch((e) => {
      process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
      process.exitCode = 1;
    });
}
