import { sql } from 'kysely';
import { createApiKey } from '../../src/engine/api-keys.js';
import { seedDemo } from '../../src/engine/seed-demo.js';
import { hashPassword } from '../../src/engine/sign-in.js';
import type { FuzzWorld } from './fuzz-endpoints-cases.js';
import type { testServer } from './test-server.js';

type Server = Awaited<ReturnType<typeof testServer>>;

const PASSWORD = 'fuzz-endpoints-password';
const OPERATOR = 'admin@tandem.local';

/**
 * The demo world (src/engine/seed-demo.ts) on the server under test, with
 * every kind of credential: the admin key, a partner's key, an operator's and
 * a partner contact's session cookies (with and without the CSRF header), none,
 * and garbage. Ids the fuzzer may destroy (api keys, users) exclude the
 * credentials' own, so the run keeps its footing; `refresh` signs in again
 * when a fuzzed request ended a session anyway.
 */
export async function fuzzWorld(
  s: Server,
): Promise<FuzzWorld & { refresh(): Promise<string[]>; partnerId: string }> {
  await seedDemo(s.t);
  const db = s.t.store.db;
  const col = async (table: string, column: string, where = sql`1 = 1`) =>
    (
      await sql<{ v: unknown }>`SELECT ${sql.ref(column)} AS v FROM ${sql.table(table)}
        WHERE ${where} ORDER BY 1`.execute(db)
    ).rows.map((r) => String(r.v));

  const partners = await col('partners', 'id', sql`status = 'approved'`);
  const partnerId = partners[0] as string;
  const partnerEmail = (await col('partners', 'email', sql`id = ${partnerId}`))[0] as string;
  const partnerKey = await createApiKey(s.t, { name: 'fuzz partner', scopes: [], partnerId });
  const spareKeys = [];
  for (const name of ['spare a', 'spare b'])
    spareKeys.push((await createApiKey(s.t, { name, scopes: ['read'] })).id);
  const admin = { authorization: `Bearer ${s.adminKey}` };

  // The partner contact's person is made on its first ask for a link.
  const ask = await s.app.inject({
    method: 'POST',
    url: '/v1/auth/magic-link',
    payload: { email: partnerEmail },
  });
  if (ask.statusCode !== 202) throw new Error(`magic link: ${ask.statusCode} ${ask.body}`);
  const hash = await hashPassword(PASSWORD);
  await db
    .updateTable('users')
    .set({ password_hash: hash })
    .where('email', 'in', [OPERATOR, partnerEmail.toLowerCase()])
    .execute();
  const signIn = async (email: string) => {
    const r = await s.app.inject({
      method: 'POST',
      url: '/v1/auth/sessions',
      payload: { email, password: PASSWORD },
    });
    if (r.statusCode !== 200) return undefined;
    return String(r.headers['set-cookie']).split(';')[0] as string;
  };

  const feed = await s.app.inject({ method: 'POST', url: '/v1/calendar/feeds', headers: admin });
  if (feed.statusCode >= 300) throw new Error(`calendar feed: ${feed.statusCode} ${feed.body}`);
  const feedFile = String(feed.json().url).split('/').pop() as string;
  const sandboxKey = await s.app.inject({
    method: 'POST',
    url: `/v1/partners/${partnerId}/sandbox-keys`,
    headers: { authorization: `Bearer ${partnerKey.key}` },
    payload: {},
  });

  const credentials: Record<string, Record<string, string>> = {
    admin,
    partner: { authorization: `Bearer ${partnerKey.key}` },
    none: {},
    'garbage-bearer': { authorization: 'Bearer tdm_live_0000000000000000000000' },
    'garbage-basic': { authorization: 'Basic YWRtaW46YWRtaW4=' },
    'garbage-x-api-key': { 'x-api-key': 'not a key' },
  };
  const sessions = { operator: OPERATOR, 'partner-session': partnerEmail } as const;
  const refresh = async () => {
    const renewed: string[] = [];
    for (const [who, email] of Object.entries(sessions)) {
      const current = credentials[who];
      if (current) {
        const me = await s.app.inject({ method: 'GET', url: '/v1/me', headers: current });
        if (me.statusCode === 200) continue;
      }
      const cookie = await signIn(email);
      if (!cookie) continue;
      credentials[who] = { cookie, 'x-requested-with': 'tandem-web' };
      if (who === 'operator') credentials['operator-no-csrf'] = { cookie };
      renewed.push(who);
    }
    return renewed;
  };
  await refresh();
  if (!credentials.operator || !credentials['partner-session'])
    throw new Error('the fuzz world could not sign in');

  const users = await col('users', 'id', sql`email <> ${OPERATOR} AND partner_id IS NULL`);
  const values = new Map<string, readonly string[]>([
    ['partners/{id}', partners],
    ['programs/{program}', ['referrals', 'integrations', ...(await col('programs', 'id'))]],
    ['programs/{id}', [...(await col('programs', 'id')), 'referrals']],
    ['accruals/{accrualId}', (await col('accrual_lines', 'id')).slice(0, 20)],
    ['customers/{customerId}', (await col('events', 'customer_id')).slice(0, 20)],
    ['payouts/{id}', await col('payouts', 'id')],
    ['payout-runs/{id}', await col('payout_runs', 'id')],
    ['statements/{period}', ['2026-01', '2026-02', '2025-12']],
    ['files/{rail}', ['csv', 'paypal', 'wise', 'manual']],
    ['integrations/{id}', await col('integrations', 'id')],
    ['integration-submissions/{id}', await col('integration_submissions', 'id')],
    ['api-keys/{keyId}', spareKeys],
    ['sandbox-keys/{keyId}', sandboxKey.statusCode < 300 ? [sandboxKey.json().id] : []],
    ['campaigns/{id}', await col('campaigns', 'id')],
    ['campaign-reports/{id}', await col('campaign_reports', 'id')],
    ['pools/{id}', await col('mdf_pools', 'id')],
    ['requests/{id}', await col('mdf_requests', 'id')],
    ['kb/{slug}', await col('kb_pages', 'slug')],
    ['transactions/{id}', (await col('ledger_transactions', 'id')).slice(0, 20)],
    ['links/{linkId}', await col('links', 'id')],
    ['codes/{code}', await col('codes', 'code')],
    ['users/{id}', users],
    ['feeds/{id}', await col('calendar_feeds', 'id')],
    ['r/{code}', await col('links', 'code')],
    ['calendar/{file}', [feedFile]],
    // Fields and query keys.
    ['program', ['referrals', 'integrations']],
    ['program_id', await col('programs', 'id')],
    ['partner_id', partners],
    ['partner_ids', partners],
    ['pool_id', await col('mdf_pools', 'id')],
    ['campaign_id', await col('campaigns', 'id')],
    ['customer_id', (await col('events', 'customer_id')).slice(0, 10)],
    ['run_id', await col('payout_runs', 'id')],
    ['integration_id', await col('integrations', 'id')],
    ['currency', ['USD', 'EUR']],
    ['amount', ['10.00', '1.00']],
    ['destination', ['https://marketplace.example/sell']],
    ['rail', ['csv', 'paypal', 'manual']],
    ['period', ['2026-01', '2026-02']],
    ['quarter', ['2026-Q1', '2026-Q2']],
    ['email', [OPERATOR, partnerEmail, 'finance@tandem.local', 'nobody@example.com']],
    ['account', [`program:${(await col('programs', 'id'))[0]}:partner:${partnerId}:pending`]],
  ]);
  const everything = [...new Set([...values.values()].flat())];
  values.set('*', everything);
  return {
    credentials,
    values: (name) => values.get(name) ?? [],
    refresh,
    partnerId,
  };
}
