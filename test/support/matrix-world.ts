import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { expect } from 'vitest';
import { createApiKey } from '../../src/engine/api-keys.js';
import { fixedClock } from '../../src/engine/deps.js';
import { deriveAll } from '../../src/engine/derive-dirty-units.js';
import { createPartner } from '../../src/engine/partners.js';
import { putPayoutProfile } from '../../src/engine/payout-profiles.js';
import { createProgram } from '../../src/engine/programs.js';
import { releaseAllDue } from '../../src/engine/release-holds.js';
import { hashPassword } from '../../src/engine/sign-in.js';
import { createCode, createLink } from '../../src/engine/tracking.js';
import { createUser } from '../../src/engine/users.js';
import { integrationTerms } from './integration-world.js';
import { apiClient, type testServer } from './test-server.js';

type Server = Awaited<ReturnType<typeof testServer>>;

/** The clock of a matrix world: January 2026 is over, so it can be paid. */
export const MATRIX_NOW = '2026-02-02T00:00:00Z';

/** What one partner of a matrix world owns, by kind. */
export interface MatrixPartner {
  id: string;
  name: string;
  email: string;
  /** Its partner key (`tdm_p_…`, live) and the id of that key. */
  key: string;
  keyId: string;
  /** Its person's session cookie (`tandem_session=…`) and user id. */
  cookie: string;
  userId: string;
  userEmail: string;
  linkId: string;
  linkCode: string;
  code: string;
  coupon: string;
  customerId: string;
  accrualId: string;
  /** The ledger transaction of that accrual. */
  txId: string;
  /** Its person's password. */
  password: string;
  payoutId: string;
  integrationId: string;
  submissionId: string;
  pendingSubmissionId: string;
  redemptionId: string;
  sandboxKeyId: string;
  proposalId: string;
  campaignId: string;
  mdfRequestId: string;
  feedId: string;
  /** Every identifier of this partner's data (ids, names, codes, distinctive amounts). */
  identifiers: Set<string>;
}

export interface MatrixWorld {
  s: Server;
  programId: string;
  intProgramId: string;
  runId: string;
  poolId: string;
  a: MatrixPartner;
  b: MatrixPartner;
}

const PROFILE = (holder: string, account: string) => ({
  rail: 'csv',
  details: { account_holder: holder, account_number: account },
  tax: { form: 'w9', tax_id_present: true, country: 'US' },
});

/**
 * Two partners, Alderwood (A) and Birchfield (B), each owning one of every
 * kind of thing a partner can have: a link, a referral code and a coupon, a
 * customer with accruals, a payout in January's run, a payout profile with
 * tax details, an integration with an approved and a pending evidence
 * submission, support credits and a redemption, a sandbox key, a campaign it
 * proposed and one the operator planned for it, an MDF request approved and
 * claimed, a calendar feed, and a person signed in with a session cookie.
 * Symmetric, so A's own requests can be checked to succeed.
 */
export async function matrixWorld(s: Server): Promise<MatrixWorld> {
  const admin = apiClient(s);
  const ok = async (p: ReturnType<typeof admin>, status = [200, 201]) => {
    const r = await p;
    expect(status, `${r.statusCode} ${r.body}`).toContain(r.statusCode);
    return r.json();
  };
  const since = Date.parse('2026-01-01T00:00:00Z');
  const past = { ...s.t, clock: fixedClock(since) };
  const program = await createProgram(past, {
    key: 'ref',
    name: 'Referrals',
    firstVersion: {
      effectiveFrom: since,
      terms: {
        currency: 'USD',
        hold_days: 0,
        rewards: [{ id: 'share', event: 'payment', percent: 10 }],
        payouts: { minimum: '1.00' },
      },
    },
  });
  const intProgram = await createProgram(past, {
    key: 'int',
    name: 'Integrations',
    firstVersion: { effectiveFrom: since, terms: integrationTerms },
  });
  const pool = await ok(
    admin('POST', '/v1/mdf/pools', {
      program: 'ref',
      quarter: '2026-Q1',
      scope: 'program',
      amount: '9000.00',
    }),
  );

  await ok(
    admin('POST', '/v1/kb', {
      slug: 'matrix-page',
      title: 'How the matrix works',
      body: 'Shared by every partner.',
      audience: 'partners',
      published: true,
    }),
  );

  const build = async (slug: string, name: string, revenue: string) => {
    const email = `team@${slug}.example`;
    const p = await createPartner(past, {
      name,
      email,
      kinds: ['referral', 'integration', 'co_marketing'],
      status: 'approved',
      programs: ['ref', 'int'],
    });
    const key = await createApiKey(s.t, { name: `${slug} portal`, scopes: [], partnerId: p.id });
    const asP = apiClient(s, key.key);
    const link = await createLink(past, {
      partnerId: p.id,
      program: 'ref',
      destination: `https://example.com/${slug}-landing`,
      code: `${slug}-link`,
    });
    const code = `${slug.toUpperCase()}1`;
    await createCode(past, { partnerId: p.id, program: 'ref', kind: 'referral_code', code });
    const coupon = `${slug.toUpperCase()}OFF`;
    await createCode(past, { partnerId: p.id, program: 'ref', kind: 'coupon', code: coupon });
    await putPayoutProfile(past, p.id, PROFILE(`${slug} holder`, `${slug}-acct-9`), 'test');
    const customerId = `cust-${slug}`;
    await ok(
      admin('POST', '/v1/events', {
        id: `pay-${slug}`,
        type: 'payment',
        occurred_at: '2026-01-15T10:00:00Z',
        customer: { id: customerId },
        currency: 'USD',
        revenue,
        referral_code: code,
      }),
    );
    const integration = await ok(
      admin('POST', '/v1/integrations', { partner_id: p.id, program: 'int', name: `${name} Sync` }),
    );
    await ok(
      admin('POST', '/v1/events', {
        id: `auth-${slug}`,
        type: 'integration.milestone',
        occurred_at: '2026-01-10T00:00:00Z',
        integration_id: integration.id,
        milestone: 'authentication',
      }),
    );
    await deriveAll(s.t);
    const sub = await ok(
      asP('POST', `/v1/integrations/${integration.id}/submissions`, {
        milestone: 'data_mapping',
        evidence: { links: [`https://docs.example.com/${slug}/mapping`] },
      }),
    );
    await ok(admin('POST', `/v1/integration-submissions/${sub.id}/approve`, {}));
    await ok(
      admin('POST', '/v1/events', {
        id: `tests-${slug}`,
        type: 'integration.milestone',
        // After data mapping, which the review above completed now.
        occurred_at: MATRIX_NOW,
        integration_id: integration.id,
        milestone: 'automated_testing',
      }),
    );
    await deriveAll(s.t);
    const pending = await ok(
      asP('POST', `/v1/integrations/${integration.id}/submissions`, {
        milestone: 'certification',
        evidence: { notes: `${slug} certification evidence` },
      }),
    );
    const redemption = await ok(
      admin(
        'POST',
        `/v1/partners/${p.id}/credits/redemptions`,
        {
          asset: 'SUPPORT_CREDIT',
          amount: 5,
          reference: `${slug}-ticket`,
        },
        { 'idempotency-key': `redeem-${slug}` },
      ),
    );
    const sandboxKey = await ok(
      asP('POST', `/v1/partners/${p.id}/sandbox-keys`, { name: `${slug} sandbox` }),
    );
    const plan = (code: string, title: string) => ({
      program: 'ref',
      code,
      name: title,
      channels: ['email'],
      starts_at: '2026-02-10T00:00:00Z',
      ends_at: '2026-03-10T00:00:00Z',
    });
    const proposal = await ok(
      asP('POST', '/v1/campaigns', plan(`${slug}-prop`, `${name} proposal`)),
    );
    const campaign = await ok(
      admin('POST', '/v1/campaigns', {
        ...plan(`${slug}-camp`, `${name} spring push`),
        starts_at: '2026-01-20T00:00:00Z',
        partner_ids: [p.id],
      }),
    );
    for (const status of ['approved', 'live'])
      await ok(admin('POST', `/v1/campaigns/${campaign.id}/status`, { status }));
    const mdf = await ok(
      asP('POST', '/v1/mdf/requests', {
        pool_id: pool.id,
        campaign_id: campaign.id,
        amount: '300.00',
        description: `${slug} webinar ads`,
      }),
    );
    await ok(admin('POST', `/v1/mdf/requests/${mdf.id}/approve`, {}));
    await ok(
      asP('POST', `/v1/mdf/requests/${mdf.id}/claim`, {
        amount: '250.00',
        proof: { invoices: [`https://files.example.com/${slug}-invoice.pdf`] },
      }),
    );
    const feed = await ok(asP('POST', '/v1/calendar/feeds', {}));
    const userEmail = `person@${slug}.example`;
    const user = await createUser(
      s.t,
      { email: userEmail, name: `${name} Person`, role: 'partner', partner_id: p.id },
      { id: 'test', role: null },
    );
    await s.t.store.db
      .updateTable('users')
      .set({ password_hash: await hashPassword(`${slug}-password-1`) })
      .where('id', '=', user.id)
      .execute();
    const signIn = await s.app.inject({
      method: 'POST',
      url: '/v1/auth/sessions',
      payload: { email: userEmail, password: `${slug}-password-1` },
    });
    expect(signIn.statusCode, signIn.body).toBe(200);
    const cookie = signIn.cookies.find((c) => c.name === 'tandem_session');
    expect(cookie).toBeDefined();
    return {
      id: p.id,
      name,
      email,
      key: key.key,
      keyId: key.id,
      cookie: `tandem_session=${cookie?.value}`,
      userId: user.id,
      userEmail,
      password: `${slug}-password-1`,
      linkId: link.id,
      linkCode: link.code,
      code,
      coupon,
      customerId,
      integrationId: integration.id as string,
      submissionId: sub.id as string,
      pendingSubmissionId: pending.id as string,
      redemptionId: redemption.id as string,
      sandboxKeyId: sandboxKey.id as string,
      proposalId: proposal.id as string,
      campaignId: campaign.id as string,
      mdfRequestId: mdf.id as string,
      feedId: feed.id as string,
    };
  };
  const a = await build('alderwood', 'Alderwood Media', '420.00');
  const b = await build('birchfield', 'Birchfield Labs', '864.00');
  await releaseAllDue(s.t);
  const run = await ok(admin('POST', '/v1/payout-runs', { program: 'ref', period: '2026-01' }));
  await deriveAll(s.t);

  const finish = async (
    p: Awaited<ReturnType<typeof build>>,
    amounts: string[],
  ): Promise<MatrixPartner> => {
    const db = s.t.store.db;
    const accrual = await db
      .selectFrom('accrual_lines')
      .select(['id', 'tx_id'])
      .where('partner_id', '=', p.id)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const payout = await db
      .selectFrom('payouts')
      .select('id')
      .where('partner_id', '=', p.id)
      .executeTakeFirstOrThrow();
    const identifiers = new Set<string>(amounts);
    for (const [k, v] of Object.entries(p))
      if (typeof v === 'string' && !['key', 'cookie', 'password'].includes(k)) identifiers.add(v);
    // Every id of every row that names the partner (accruals, conversions, enrollments, …).
    for (const table of await tablesWith(s, 'partner_id')) {
      const rows = await sql<{
        id: unknown;
      }>`SELECT id FROM ${sql.table(table)} WHERE partner_id = ${p.id}`
        .execute(db)
        .catch(() => ({ rows: [] as { id: unknown }[] }));
      for (const r of rows.rows) if (typeof r.id === 'string') identifiers.add(r.id);
    }
    identifiers.add(accrual.tx_id);
    return { ...p, accrualId: accrual.id, txId: accrual.tx_id, payoutId: payout.id, identifiers };
  };
  const wa = await finish(a, ['42.00']);
  const wb = await finish(b, ['86.40', '864.00']);
  // Only what is B's alone identifies B (a shared program id does not).
  for (const v of wa.identifiers) wb.identifiers.delete(v);
  for (const v of [program.id, intProgram.id, run.id, pool.id]) wb.identifiers.delete(v);
  return {
    s,
    programId: program.id,
    intProgramId: intProgram.id,
    runId: run.id,
    poolId: pool.id,
    a: wa,
    b: wb,
  };
}

const tablesOf = new WeakMap<Server, Promise<{ name: string; columns: { name: string }[] }[]>>();

/**
 * This Tandem's tables (on PostgreSQL, those of its own schema, not other
 * tests'), read once: PostgreSQL's catalog is slow to ask per request.
 */
function ownTables(s: Server) {
  let tables = tablesOf.get(s);
  if (!tables) {
    const schema = s.t.store.schema;
    tables = s.t.store.db.introspection
      .getTables()
      .then((all) => all.filter((t) => schema === undefined || t.schema === schema));
    tablesOf.set(s, tables);
  }
  return tables;
}

/** The tables that have `column`, from the schema of the backend under test. */
export async function tablesWith(s: Server, column: string): Promise<string[]> {
  const tables = await ownTables(s);
  return tables.filter((t) => t.columns.some((c) => c.name === column)).map((t) => t.name);
}

/**
 * A digest per table of the rows that mention any of `anchors` (ids): equal
 * before and after a request means the request changed none of them. With no
 * anchors, every row of every table counts.
 */
export async function fingerprint(
  s: Server,
  anchors?: ReadonlySet<string>,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const tables = await ownTables(s);
  for (const t of tables) {
    const rows = (await sql`SELECT * FROM ${sql.table(t.name)}`.execute(s.t.store.db)).rows;
    const lines: string[] = [];
    for (const row of rows) {
      const line = JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
      if (!anchors || [...anchors].some((a) => line.includes(a))) lines.push(line);
    }
    lines.sort();
    out[t.name] =
      `${lines.length}:${createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16)}`;
  }
  return out;
}
