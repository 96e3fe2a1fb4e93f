import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/engine/api-keys.js';
import { seedDemo } from '../../src/engine/seed-demo.js';
import { buildServer } from '../../src/server/build-server.js';
import { expectProblem } from '../support/expect-problem.js';
import { apiClient } from '../support/test-server.js';
import { backend, type TestTandem, testTandem } from '../support/test-tandem.js';

let t: TestTandem;
let app: FastifyInstance;
let admin: ReturnType<typeof apiClient>;
let partners: { id: string; name: string; email: string }[];
beforeAll(async () => {
  t = await testTandem({ now: '2026-11-29T12:00:00Z' });
  await seedDemo(t);
  app = await buildServer(t);
  const { key } = await createApiKey(t, { name: 'admin', scopes: ['admin'] });
  admin = apiClient({ app, adminKey: key });
  partners = (await admin('GET', '/v1/partners?limit=100')).json().data;
}, 120_000);
afterAll(async () => {
  await app.close();
  await t.close();
});

type Page<T> = { data: T[]; next_cursor: string | number | null };

async function allPages<T>(path: string): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | number | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const r = await admin(
      'GET',
      cursor === null ? path : `${path}${sep}before=${encodeURIComponent(String(cursor))}`,
    );
    expect(r.statusCode, r.body).toBe(200);
    const page = r.json() as Page<T>;
    out.push(...page.data);
    cursor = page.next_cursor;
  } while (cursor !== null);
  return out;
}

describe(`the console's explorers (${backend})`, () => {
  it("lists a customer's events newest first, each with the accrual lines it produced", async () => {
    const nw = partners.find((p) => p.email === 'team@northwind.example') as { id: string };
    // A customer who paid has at least a signup and a payment.
    const paid = (await admin('GET', `/v1/events?partner_id=${nw.id}&type=payment&limit=1`)).json();
    const customer = paid.data[0]?.customer_id as string;
    const events = await allPages<{
      id: string;
      occurred_at: string;
      customer_id: string;
      produced: { accruals: { amount: string }[] };
    }>(`/v1/events?customer_id=${encodeURIComponent(customer)}&limit=2`);
    expect(events.length).toBeGreaterThan(1);
    expect(events.every((e) => e.customer_id === customer)).toBe(true);
    const times = events.map((e) => e.occurred_at);
    expect([...times].sort().reverse()).toEqual(times);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    const produced = events.flatMap((e) => e.produced.accruals).length;
    const lines = (
      await admin('GET', `/v1/accruals?customer_id=${encodeURIComponent(customer)}&limit=500`)
    ).json().data;
    expect(produced).toBe(lines.length);
  });

  it('narrows events to a partner and a type', async () => {
    const nw = partners.find((p) => p.email === 'team@northwind.example') as { id: string };
    const r = (await admin('GET', `/v1/events?partner_id=${nw.id}&type=payment&limit=50`)).json();
    expect(r.data.length).toBeGreaterThan(0);
    for (const e of r.data as {
      type: string;
      produced: { accruals: { partner_id: string }[] };
    }[]) {
      expect(e.type).toBe('payment');
    }
    expectProblem(await admin('GET', '/v1/events?type=nope'), 400, 'validation_failed');
    expectProblem(await admin('GET', '/v1/events?before=garbage'), 400, 'validation_failed');
  });

  it("drills from a partner's accounts to entries that sum to each balance, and to a balanced transaction", async () => {
    const nw = partners.find((p) => p.email === 'team@northwind.example') as { id: string };
    const accounts = (await admin('GET', `/v1/ledger/accounts?partner_id=${nw.id}`)).json()
      .data as {
      account: string;
      kind: string;
      currency: string;
      amount_minor: string;
    }[];
    expect(accounts.length).toBeGreaterThan(0);
    expect(accounts.every((a) => a.account.includes(`:partner:${nw.id}:`))).toBe(true);
    // Ids are matched literally, never as LIKE patterns.
    expect((await admin('GET', '/v1/ledger/accounts?partner_id=%25')).json().data).toEqual([]);
    // `pr_…` would match `prt_…` if `_` were a wildcard.
    const underscore = nw.id.replace(/^prt/, 'pr_');
    expect(
      (await admin('GET', `/v1/ledger/accounts?partner_id=${underscore}`)).json().data,
    ).toEqual([]);
    const pending = accounts.filter((a) => a.kind === 'pending' && a.currency === 'USD');
    const balances = (await admin('GET', `/v1/partners/${nw.id}/balances`)).json().balances as {
      currency: string;
      minor: { pending: string };
    }[];
    expect(pending.reduce((s, a) => s + BigInt(a.amount_minor), 0n).toString()).toBe(
      balances.find((b) => b.currency === 'USD')?.minor.pending,
    );
    const account =
      accounts.find((a) => a.kind === 'available') ?? (accounts[0] as (typeof accounts)[number]);
    const entries = await allPages<{
      amount_minor: string;
      currency: string;
      transaction_id: string;
    }>(`/v1/ledger/entries?account=${encodeURIComponent(account.account)}&limit=25`);
    const sum = entries
      .filter((e) => e.currency === account.currency)
      .reduce((s, e) => s + BigInt(e.amount_minor), 0n);
    expect(sum.toString()).toBe(account.amount_minor);

    const tx = (await admin('GET', `/v1/ledger/transactions/${entries[0]?.transaction_id}`)).json();
    const perCurrency = new Map<string, bigint>();
    for (const e of tx.entries as { currency: string; amount_minor: string }[])
      perCurrency.set(e.currency, (perCurrency.get(e.currency) ?? 0n) + BigInt(e.amount_minor));
    expect([...perCurrency.values()].every((v) => v === 0n)).toBe(true);
    expectProblem(await admin('GET', '/v1/ledger/transactions/ltx_nope'), 404, 'not_found');
  });

  it("shows a partner's status and tier history, to the partner itself but not to others", async () => {
    const suspended = partners.find((p) => p.name.startsWith('Suspended')) as { id: string };
    const h = (await admin('GET', `/v1/partners/${suspended.id}/history`)).json();
    expect(h.statuses.map((s: { status: string }) => s.status)).toEqual(['suspended', 'approved']);
    const other = partners.find((p) => p.id !== suspended.id) as { id: string };
    const { key } = await createApiKey(t, { name: 'p', scopes: ['read'], partnerId: suspended.id });
    const own = apiClient({ app, adminKey: key });
    expect((await own('GET', `/v1/partners/${suspended.id}/history`)).statusCode).toBe(200);
    expectProblem(await own('GET', `/v1/partners/${other.id}/history`), 404, 'partner_not_found');
    expectProblem(await own('GET', '/v1/events'), 403, 'forbidden');
    expectProblem(await own('GET', '/v1/ledger/accounts'), 403, 'forbidden');
  });
});
