import type { Command } from 'commander';
import type { CommandContext } from './command-context.js';

/** `tandem sandbox reset`: wipes test mode's data (run with an operator test key). */
export function sandboxCommands(root: Command, ctx: CommandContext): void {
  const sandbox = root.command('sandbox').description('test mode: the sandbox');
  sandbox
    .command('reset')
    .description(
      'wipe the sandbox (test events, rewards, links, codes …) and mirror live configuration again; needs an operator test key with admin',
    )
    .option('--json', 'print the API answer as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ TANDEM_API_KEY=tdm_test_a_… tandem sandbox reset`,
    )
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const r = await ctx
        .client(cmd)
        .post<{ reset_at: string; programs: number; partners: number }>('/v1/sandbox/reset', {
          body: {},
        });
      if (opts.json) {
        ctx.io.stdout.write(`${JSON.stringify(r.body, null, 2)}\n`);
        return;
      }
      ctx.io.stdout.write(
        `sandbox reset at ${r.body.reset_at}: ${r.body.programs} programs and ${r.body.partners} partners mirrored from live\n`,
      );
    });
}
