import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliServer } from '../../test/support/cli-server.js';
import { earn, payoutWorld } from '../../test/support/payout-world.js';
import { backend, type TestTandem, testTandem } from '../../test/support/test-tandem.js';
import { createApiKey } from '../engine/api-keys.js';

describe(`tandem payouts and tandem fx (${backend})`, () => {
  let t: TestTandem;
  let server: Awaited<ReturnType<typeof cliServer>>;
  let dir: string;
  let financeKey: string;

  beforeAll(async () => {
    t = await testTandem({ now: '2026-02-02T00:00:00Z' });
    const { partners } = await payoutWorld(t, {
      payouts: { approval: 'four_eyes' },
      profiles: [
        {
          rail: 'csv',
          details: { account_holder: 'Ada', account_number: '12345678' },
          currency: 'EUR',
        },
        { rail: 'paypal', details: { email: 'bo@example.com' } },
      ],
    });
    for (const p of partners) await earn(t, p.code, '500.00');
    server = await cliServer(t);
    financeKey = (await createApiKey(t, { name: 'finance', scopes: ['payouts:approve', 'read'] }))
      .key;
    dir = mkdtempSync(join(tmpdir(), 'tandem-payouts-'));
  });
  afterAll(async () => {
    await server.close();
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports FX rates from CSV, all or nothing, with every bad row named', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(
      bad,
      'base,quote,rate,as_of\nUSD,EUR,0.92,2026-01-31T00:00:00Z\nUSD,EUR,zero,2026-01-30T00:00:00Z\n',
    );
    const r1 = await server.tandem('fx', 'import', bad);
    expect(r1.code).not.toBe(0);
    expect(r1.err).toMatch(/invalid_rate|FX rate rows are invalid/);
    const good = join(dir, 'rates.csv');
    writeFileSync(good, 'base,quote,rate,as_of,source\nUSD,EUR,0.92,2026-01-31T00:00:00Z,ecb\n');
    const r2 = await server.tandem('fx', 'import', good);
    expect(r2).toMatchObject({ code: 0 });
    expect(r2.out).toContain('1 rates imported');
  });

  it('runs, approves with a second key, sends, downloads files, imports results and reconciles', async () => {
    const run = await server.tandem('payouts', 'run', '--program', 'ref');
    expect(run.code, run.err).toBe(0);
    const runId = /run (run_\w+)/.exec(run.out)?.[1] as string;
    // 50.00 USD at 0.92 = 46.00 EUR for the csv partner; 50.00 USD for the PayPal one.
    expect(run.out).toMatch(/EUR\s+1\s+46\.00/);
    expect(run.out).toMatch(/USD\s+1\s+50\.00/);

    const self = await server.tandem('payouts', 'approve', runId);
    expect(self.code).not.toBe(0);
    expect(self.err).toContain('four_eyes_required');
    expect((await server.tandem('--key', financeKey, 'payouts', 'approve', runId)).code).toBe(0);
    expect((await server.tandem('payouts', 'send', runId)).out).toContain('sent');

    const out = join(dir, 'paypal.csv');
    const file = await server.tandem('payouts', 'file', runId, '--rail', 'paypal', '-o', out);
    expect(file.code, file.err).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('bo@example.com,50.00,USD,pay_');

    const show = await server.tandem('payouts', 'show', runId);
    const csvPayout = /(pay_\w+)\s+\S+\s+csv/.exec(show.out)?.[1] as string;
    const results = join(dir, 'results.csv');
    writeFileSync(
      results,
      `payout_id,status,reference,reason\n${csvPayout},settled,SEPA-1,\npay_missing,settled,X,\n`,
    );
    const imported = await server.tandem('payouts', 'import', runId, results, '--rail', 'csv');
    expect(imported.code).toBe(1);
    expect(imported.out).toContain('1 applied, 0 unchanged, 1 errors');
    expect(imported.out).toContain('payout_not_found');

    const rec = await server.tandem('payouts', 'reconcile');
    expect(rec.code, rec.out).toBe(0);
    expect(rec.out).toContain('no differences');
    expect(rec.out).toMatch(/EUR\s+0\.00\s+0\.00\s+46\.00\s+46\.00/);
  });
});
