import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Issue } from '../core/errors.js';
import { canonicalJson } from '../core/event-input.js';
import { parseInstant } from '../core/time.js';
import { type ApiClient, ApiError, apiPath } from './api-client.js';
import { CliError, type CliIo, printable } from './cli-io.js';
import type { CommandContext } from './command-context.js';
import { describeTerms } from './describe-terms.js';
import { PROGRAM_KEY, type ReadProgramFileResult, readProgramFile } from './read-program-file.js';

const FILE_FORMAT = `
A program file (YAML or JSON):

  program: seller-referrals          # the program's key
  name: Seller referral program      # used when the program is created
  effective_from: 2026-01-01         # ISO date or date-time (UTC unless it says otherwise)
  correction: false                  # true to change the past, with a reason
  reason: ""                         # required for a correction
  terms:
    currency: USD
    attribution: { model: last_touch, window_days: 90 }
    hold_days: 30
    rewards:
      - { id: seller-activation, event: activation, flat: "10.00",
          when: { field: customer.side, op: eq, value: seller } }

A file holding only the terms is accepted too (give --program and
--effective-from when publishing it). See examples/program.yaml.`;

/** `tandem program validate`, `publish` and `diff`. */
export function programCommands(root: Command, ctx: CommandContext): void {
  const program = root
    .command('program')
    .description('validate, publish and compare program terms')
    .addHelpText('after', FILE_FORMAT);

  program
    .command('validate')
    .description('check a program file locally (no server needed) and summarize it')
    .argument('<file>', 'program file (.yaml, .yml or .json)')
    .addHelpText(
      'after',
      `
Prints "valid" and a summary, or every problem as path: message and exits 1.

Examples:
  $ tandem program validate examples/program.yaml
  $ tandem program validate terms.json`,
    )
    .action((file: string) => {
      const checked = check(file, ctx.io);
      if (!checked.ok) return ctx.setExitCode(1);
      const { file: f, document } = checked;
      const out = [`valid: ${file}`];
      if (f.program) out.push(`  program      ${f.program}${f.name ? ` (${f.name})` : ''}`);
      if (f.effectiveFrom) out.push(`  effective    ${f.effectiveFrom}${correctionNote(f)}`);
      out.push(...describeTerms(document).map((l) => `  ${l}`));
      ctx.io.stdout.write(`${out.join('\n')}\n`);
    });

  program
    .command('publish')
    .description('validate locally, then publish the terms as a new version of the program')
    .argument('<file>', 'program file (.yaml, .yml or .json)')
    .option('--effective-from <date>', 'when the version takes effect (overrides the file)')
    .option('--correction', 'publish a correction that may take effect in the past')
    .option('--reason <text>', 'why (required for a correction)')
    .option('--program <key>', "the program's key (overrides the file)")
    .option('--name <name>', "the program's name, if it has to be created (overrides the file)")
    .addHelpText(
      'after',
      `
Creates the program first if it does not exist. A retried publish of the same
file is answered from the server's idempotency record and publishes nothing
twice. A version cannot take effect in the past unless it is a correction.

Examples:
  $ tandem program publish examples/program.yaml
  $ tandem program publish terms.yaml --program referrals --effective-from 2027-01-01
  $ tandem program publish fix.yaml --correction --reason "cap was meant to be 500.00"`,
    )
    .action(async (file: string, opts: PublishFlags, cmd: Command) => {
      const checked = check(file, ctx.io);
      if (!checked.ok) return ctx.setExitCode(1);
      await publish(ctx.client(cmd), checked, opts, ctx.io);
    });

  program
    .command('diff')
    .description('what changes between two versions of a program, in plain terms')
    .requiredOption('--program <key>', "the program's key or id")
    .option('--from <n>', 'version number (default: the version in force now)')
    .option('--to <n>', 'version number (default: the latest published)')
    .addHelpText(
      'after',
      `
Prints one line per change. With neither --from nor --to it shows what the
latest published version changes from the terms in force now.

Examples:
  $ tandem program diff --program referrals
  $ tandem program diff --program referrals --from 1 --to 3`,
    )
    .action(async (opts: DiffFlags, cmd: Command) => {
      await diff(ctx.client(cmd), opts, ctx.io);
    });
}

interface DiffFlags {
  program: string;
  from?: string;
  to?: string;
}

interface VersionDiff {
  from: { number: number; effective_from: string; status: string };
  to: { number: number; effective_from: string; status: string };
  changes: { summary: string }[];
}

async function diff(client: ApiClient, flags: DiffFlags, io: CliIo): Promise<void> {
  const problems: string[] = [];
  const query = new URLSearchParams();
  for (const which of ['from', 'to'] as const) {
    const n = flags[which];
    if (n === undefined) continue;
    if (!/^[1-9]\d{0,8}$/.test(n)) problems.push(`--${which}: must be a version number such as 2`);
    else query.set(which, n);
  }
  if (problems.length) throw new CliError('cannot diff', { lines: problems });
  const q = query.toString();
  const r = await client.get<VersionDiff>(
    `${apiPath`/v1/programs/${flags.program}/versions/diff`}${q ? `?${q}` : ''}`,
  );
  const d = r.body;
  const side = (v: VersionDiff['from']) =>
    `version ${v.number} (${v.status}, effective ${v.effective_from})`;
  const lines = [`${printable(flags.program)}: ${side(d.from)} → ${side(d.to)}`];
  if (d.changes.length === 0) lines.push('  no changes');
  for (const c of d.changes) lines.push(`  ${printable(c.summary)}`);
  io.stdout.write(`${lines.join('\n')}\n`);
}

interface PublishFlags {
  effectiveFrom?: string;
  correction?: boolean;
  reason?: string;
  program?: string;
  name?: string;
}

function check(file: string, io: CliIo): ReadProgramFileResult {
  const r = readProgramFile(resolve(io.cwd ?? process.cwd(), file), file);
  if (!r.ok) printIssues(io, file, r.issues);
  return r;
}

function printIssues(io: CliIo, file: string, issues: readonly Issue[]): void {
  const n = issues.length;
  io.stderr.write(
    `invalid: ${file} (${n} problem${n === 1 ? '' : 's'})\n${issues.map((i) => `  ${i.path}: ${i.message}\n`).join('')}`,
  );
}

function correctionNote(f: { correction?: boolean | undefined; reason?: string | undefined }) {
  return f.correction ? ` (correction: ${f.reason})` : '';
}

interface VersionView {
  number: number;
  effective_from: string;
  correction: boolean;
  reason: string | null;
}

async function publish(
  client: ApiClient,
  checked: Extract<ReadProgramFileResult, { ok: true }>,
  flags: PublishFlags,
  io: CliIo,
): Promise<void> {
  const f = checked.file;
  const key = flags.program ?? f.program;
  const name = flags.name ?? f.name;
  const effectiveFrom = flags.effectiveFrom ?? f.effectiveFrom;
  const correction = flags.correction ?? f.correction ?? false;
  const reason = flags.reason ?? f.reason;
  const missing: string[] = [];
  if (!key) missing.push('program: which program? put program: KEY in the file or pass --program');
  else if (!PROGRAM_KEY.test(key))
    missing.push('program: must be lowercase letters, digits and - (max 63)');
  if (!effectiveFrom)
    missing.push('effective_from: when? put it in the file or pass --effective-from DATE');
  else if (parseInstant(effectiveFrom) === undefined)
    missing.push('effective_from: must be an ISO 8601 date or date-time, such as 2026-01-01');
  if (correction && !reason?.trim()) missing.push('reason: required for a correction (--reason)');
  if (missing.length) throw new CliError('cannot publish', { lines: missing });

  const programKey = key as string;
  const path = apiPath`/v1/programs/${programKey}`;
  let exists = true;
  try {
    await client.get(path);
  } catch (e) {
    if (!(e instanceof ApiError && e.code === 'program_not_found')) throw e;
    exists = false;
  }
  if (!exists) {
    if (!name?.trim())
      throw new CliError(`program ${programKey} does not exist yet`, {
        lines: ['name: needed to create it: put name: in the file or pass --name'],
      });
    const body = { key: programKey, name };
    const created = await client.post('/v1/programs', {
      body,
      idempotencyKey: idempotencyKey('POST /v1/programs', body),
    });
    io.stdout.write(
      `${created.replayed ? 'program already created' : 'created program'} ${programKey} (${name})\n`,
    );
  }
  const body = {
    effective_from: effectiveFrom as string,
    terms: f.terms,
    ...(correction ? { correction: true, reason } : {}),
  };
  const versionsPath = `${path}/versions`;
  let r: Awaited<ReturnType<typeof client.post<VersionView>>>;
  try {
    r = await client.post<VersionView>(versionsPath, {
      body,
      idempotencyKey: idempotencyKey(`POST ${versionsPath}`, body),
    });
  } catch (e) {
    if (e instanceof ApiError && e.code === 'version_in_past') {
      throw new CliError(e.message, {
        lines: [
          ...e.lines,
          'to change the past, publish it as a correction: --correction --reason "why"',
          'or pick a later date: --effective-from YYYY-MM-DD',
        ],
      });
    }
    if (e instanceof ApiError && e.code === 'notice_period') {
      throw new CliError(e.message, {
        lines: [
          ...e.lines,
          'the terms in force promise partners notice of new terms: pick a date at or after the one above',
          'or, for a mistake that must be fixed now, publish a correction: --correction --reason "why"',
        ],
      });
    }
    throw e;
  }
  const v = r.body;
  io.stdout.write(
    `${r.replayed ? 'already published' : 'published'} ${programKey} version ${v.number}, effective ${v.effective_from}${v.correction ? ` (correction: ${v.reason})` : ''}\n`,
  );
}

/**
 * The same request always gets the same key, so a publish retried after a
 * timeout (or run twice) is answered from the server's idempotency record.
 */
export function idempotencyKey(what: string, body: unknown): string {
  return `tandem-cli-${createHash('sha256')
    .update(`${what}\n${canonicalJson(body)}`)
    .digest('hex')
    .slice(0, 48)}`;
}
