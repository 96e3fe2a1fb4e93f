/**
 * One Tandem process of the crash test (test/payout-crash.test.ts): it opens
 * the database it is given, runs the steps named on its command line in
 * order, prints one JSON line of what it did and exits 0. With
 * `TANDEM_CRASH_AT=point[#n]` it SIGKILLs itself at that fault point, like a
 * power cut, so the test can restart it and check that nothing was paid
 * twice or lost.
 *
 *   CRASH_DB=/tmp/x.db | DATABASE_URL=postgres://… CRASH_SCHEMA=s
 *   FAKE_STRIPE_URL=http://127.0.0.1:…  [TANDEM_CRASH_AT=rail.after_call#2]
 *   node --import tsx test/support/payout-crash-child.ts setup flow
 *
 * Steps: `setup` (program, partners, January earnings), `flow` (create the
 * run, approve, send, import the csv results — each only if the run's state
 * says it is not done yet, so it can run again after a crash), `resume`
 * (`resumePayouts` with `staleMs: 0`). Every process uses the same fixed
 * clock, 2026-02-02, so the period 2026-01 has ended.
 */
import { pathToFileURL } from 'node:url';
import { approvePayoutRun } from '../../src/engine/approve-payout-run.js';
import { createPayoutRun } from '../../src/engine/create-payout-run.js';
import { fixedClock } from '../../src/engine/deps.js';
import { faultsFromEnv } from '../../src/engine/faults.js';
import { importPayoutResults } from '../../src/engine/import-payout-results.js';
import { openTandem } from '../../src/engine/open-tandem.js';
import { stripeRail } from '../../src/engine/rails/stripe-rail.js';
import { listPayouts } from '../../src/engine/read-payout-runs.js';
import { resumePayouts } from '../../src/engine/resume-payouts.js';
import { sendPayoutRun } from '../../src/engine/send-payout-run.js';
import { earn, payoutWorld } from './payout-world.js';
import type { TestTandem } from './test-tandem.js';

export const crashNow = Date.parse('2026-02-02T00:00:00Z');
export const crashPeriod = '2026-01';
/** Every partner earns 10% of this in January: 25.00. */
export const crashRevenue = '250.00';
/** The fake Stripe declines every transfer to this account, so one payout always fails. */
export const declinedAccount = 'acct_CrashDeclined';

const stripeAccounts = ['acct_CrashA', 'acct_CrashB', declinedAccount];
const csvProfile = (i: number) => ({
  rail: 'csv',
  details: { account_holder: `Partner ${i}`, account_number: '12345678' },
});

export interface CrashEnv {
  CRASH_DB?: string | undefined;
  DATABASE_URL?: string | undefined;
  CRASH_SCHEMA?: string | undefined;
  FAKE_STRIPE_URL?: string | undefined;
  TANDEM_CRASH_AT?: string | undefined;
}

/** Opens the crash test's database (SQLite file or PostgreSQL schema) with its clock and rail. */
export async function openCrashTandem(
  env: CrashEnv,
  kill: () => void = () => process.kill(process.pid, 'SIGKILL'),
): Promise<TestTandem> {
  const clock = fixedClock(crashNow);
  const faults = faultsFromEnv(env.TANDEM_CRASH_AT, kill);
  const common = {
    clock,
    ...(faults ? { faults } : {}),
    ...(env.FAKE_STRIPE_URL
      ? {
          rails: {
            stripe: stripeRail({
              apiKey: 'sk_test_tandem',
              baseUrl: env.FAKE_STRIPE_URL,
              timeoutMs: 2000,
            }),
          },
        }
      : {}),
  };
  const deps = env.CRASH_DB
    ? await openTandem({ file: env.CRASH_DB, ...common })
    : env.DATABASE_URL && env.CRASH_SCHEMA
      ? await openTandem({
          url: env.DATABASE_URL,
          schema: env.CRASH_SCHEMA,
          poolSize: 2,
          ...common,
        })
      : undefined;
  if (!deps) throw new Error('set CRASH_DB, or DATABASE_URL and CRASH_SCHEMA');
  return { ...deps, clock, close: deps.close };
}

/** Program `ref` (four eyes), three Stripe and three csv partners, each earning 25.00 in Jan. */
export async function setupCrashWorld(t: TestTandem): Promise<{ partners: number }> {
  const w = await payoutWorld(t, {
    payouts: { approval: 'four_eyes' },
    profiles: [
      ...stripeAccounts.map((account) => ({ rail: 'stripe', details: { account } })),
      ...[0, 1, 2].map(csvProfile),
    ],
  });
  for (const p of w.partners) await earn(t, p.code, crashRevenue, { id: `crash-pay-${p.code}` });
  return { partners: w.partners.length };
}

/** The run of `ref` for January that is not canceled, if any. */
export async function currentRun(
  t: TestTandem,
): Promise<{ id: string; status: string } | undefined> {
  return t.store.db
    .selectFrom('payout_runs')
    .innerJoin('programs', 'programs.id', 'payout_runs.program_id')
    .select(['payout_runs.id', 'payout_runs.status'])
    .where('programs.key', '=', 'ref')
    .where('payout_runs.period', '=', crashPeriod)
    .where('payout_runs.status', '<>', 'canceled')
    .executeTakeFirst();
}

/**
 * Takes the run from wherever it is to `settled`: create (claiming two
 * partners per chunk), approve by a second person, send, import a result
 * file settling every csv payout. A run still `claiming` is an error here:
 * finishing an interrupted claim is `resumePayouts`' job.
 */
export async function crashFlow(t: TestTandem): Promise<string[]> {
  const did: string[] = [];
  for (let step = 0; step < 10; step++) {
    const run = await currentRun(t);
    if (!run) {
      await createPayoutRun(t, { program: 'ref', period: crashPeriod, actor: 'ops' }, { chunk: 2 });
      did.push('create');
    } else if (run.status === 'claiming') {
      throw new Error(`run ${run.id} is still claiming: resume should have finished it`);
    } else if (run.status === 'pending') {
      await approvePayoutRun(t, run.id, 'finance');
      did.push('approve');
    } else if (run.status === 'approved' || run.status === 'sending') {
      await sendPayoutRun(t, run.id, 'ops');
      did.push(run.status === 'approved' ? 'send' : 'send-again');
    } else if (run.status === 'sent') {
      await importCsvResults(t, run.id);
      did.push('import');
    } else if (run.status === 'settled') {
      return did;
    } else {
      throw new Error(`run ${run.id} is ${run.status}`);
    }
  }
  throw new Error(`the run did not settle after ${did.join(', ')}`);
}

/**
 * Imports a provider result file settling every csv payout of the run — all of them, so
 * importing it again after a crash changes only the rows not applied yet.
 */
async function importCsvResults(t: TestTandem, runId: string): Promise<void> {
  const csv = (await listPayouts(t, { run_id: runId, limit: 1000 })).data.filter(
    (p) => p.rail === 'csv',
  );
  const text = [
    'payout_id,status,reference,reason',
    ...csv.map((p) => `${p.id},settled,bank-${p.id},`),
  ].join('\n');
  const report = await importPayoutResults(t, { runId, rail: 'csv', text, actor: 'ops' });
  if (report.errors > 0)
    throw new Error(`result import refused rows: ${JSON.stringify(report.rows)}`);
}

async function main(steps: string[]): Promise<void> {
  const t = await openCrashTandem(process.env as CrashEnv);
  const out: Record<string, unknown> = {};
  try {
    for (const step of steps) {
      if (step === 'setup') out.setup = await setupCrashWorld(t);
      else if (step === 'flow') out.flow = await crashFlow(t);
      else if (step === 'resume') {
        out.resume = await resumePayouts(t, { staleMs: 0 });
        out.afterResume = (await currentRun(t))?.status ?? null;
      } else throw new Error(`unknown step ${step}: use setup, flow or resume`);
    }
  } finally {
    await t.close();
  }
  console.log(JSON.stringify(out));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
      process.exit(1);
    },
  );
}
