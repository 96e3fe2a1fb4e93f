import type { Command } from 'commander';
import type { CommandContext } from './command-context.js';

interface CreatedKey {
  id: string;
  key: string;
  name: string;
  scopes: string[];
  partner_id: string | null;
  mode?: string;
}

/** `tandem keys create`. */
export function keysCommands(root: Command, ctx: CommandContext): void {
  const keys = root.command('keys').description('manage API keys');
  keys
    .command('create')
    .description('create an API key; its secret is printed once')
    .requiredOption('--name <name>', 'what the key is for, e.g. "billing sync"')
    .option(
      '--scopes <list>',
      'comma-separated: admin, events:write, read, programs:write, partners:write, payouts:write, payouts:approve',
      'read',
    )
    .option('--partner <id>', "a key for one partner: it reads only that partner's data")
    .option('--test', 'a test key (tdm_test_…): it works on the sandbox, never on live data')
    .option('--json', 'print the API answer as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ tandem keys create --name "billing sync" --scopes events:write
  $ tandem keys create --name "Northwind portal" --partner prt_01h…
  $ tandem keys create --name "staging integration" --scopes admin --test
  $ export TANDEM_API_KEY=$(tandem keys create --name ci --scopes read --json | jq -r .key)`,
    )
    .action(
      async (
        opts: { name: string; scopes: string; partner?: string; test?: boolean; json?: boolean },
        cmd: Command,
      ) => {
        const scopes = opts.scopes
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const r = await ctx.client(cmd).post<CreatedKey>('/v1/api-keys', {
          body: {
            name: opts.name,
            scopes,
            ...(opts.partner ? { partner_id: opts.partner } : {}),
            ...(opts.test ? { mode: 'test' } : {}),
          },
        });
        const k = r.body;
        if (opts.json) {
          ctx.io.stdout.write(`${JSON.stringify(k, null, 2)}\n`);
          return;
        }
        ctx.io.stdout.write(
          [
            `created ${k.mode === 'test' ? 'test ' : ''}key ${k.id} "${k.name}" (scopes: ${k.scopes.join(', ')}${k.partner_id ? `; partner ${k.partner_id}` : ''})`,
            k.key,
            'store it now: the secret is not shown again',
            '',
          ].join('\n'),
        );
      },
    );
}
