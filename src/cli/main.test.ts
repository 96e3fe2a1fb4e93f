import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend, type TestTandem, testTandem } from '../../test/support/test-tandem.js';
import { createApiKey } from '../engine/api-keys.js';
import { fixedClock } from '../engine/deps.js';
import { deriveAll } from '../engine/derive-dirty-units.js';
import { createPartner } from '../engine/partners.js';
import { listAccruals } from '../engine/read-accruals.js';
import { createCode } from '../engine/tracking.js';
import { buildServer } from '../server/build-server.js';
import { captureIo } from './capture-io.js';
import { run } from './main.js';

const at = (s: string) => Date.parse(s);

/**
 * The CLI end to end: a real server on a loopback port, the CLI run
 * in-process with `run(argv, io)`, and the results checked in the engine.
 */
describe(`tandem CLI against a running server (${backend})`, () => {
  const clock = fixedClock(at('2025-12-15T00:00:00Z'));
  const dir = mkdtempSync(join(tmpdir(), 'tandem-cli-'));
  let t: TestTandem;
  let app: FastifyInstance;
  let env: Record<string, string>;
  let partnerId: string;

  beforeAll(async () => {
    t = await testTandem({ clock });
    const { key } = await createApiKey(t, { name: 'cli test', scopes: ['admin'] });
    app = await buildServer(t);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    env = { TANDEM_URL: `http://127.0.0.1:${port}`, TANDEM_API_KEY: key };
  });

  afterAll(async () => {
    await app?.close();
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function tandem(...argv: string[]) {
    const io = captureIo({ env });
    const code = await run(argv, io);
    return { code, out: io.out(), err: io.err() };
  }

  const countEvents = async () =>
    Number(
      (
        await t.store.db
          .selectFrom('events')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('publishes examples/program.yaml, creating the program, and a retry publishes nothing twice', async () => {
    const first = await tandem('program', 'publish', 'examples/program.yaml');
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toContain('created program seller-referrals (Seller referral program)');
    expect(first.out).toContain(
      'published seller-referrals version 1, effective 2026-01-01T00:00:00.000Z (correction: Backfill',
    );

    const again = await tandem('program', 'publish', 'examples/program.yaml');
    expect(again.code).toBe(0);
    expect(again.out).toContain('already published seller-referrals version 1');
    const versions = await t.store.db.selectFrom('program_versions').select('number').execute();
    expect(versions).toHaveLength(1);
  });

  it('publishes a later version with --effective-from, and explains a date in the past', async () => {
    const past = await tandem(
      'program',
      'publish',
      'examples/program.yaml',
      '--effective-from',
      '2025-06-01',
      '--reason',
      'x',
      '--correction',
    );
    expect(past.code).toBe(0);
    expect(past.out).toContain('version 2, effective 2025-06-01T00:00:00.000Z');

    const terms = join(dir, 'terms.yaml');
    writeFileSync(terms, 'currency: USD\nrewards: []\n');
    const refused = await tandem(
      'program',
      'publish',
      terms,
      '--program',
      'seller-referrals',
      '--effective-from',
      '2025-01-01',
    );
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('version_in_past');
    expect(refused.err).toContain('--correction --reason');
  });

  it('imports examples/events.csv, reporting the bad row by its file line', async () => {
    const partner = await createPartner(t, {
      name: 'Northwind Reviews',
      kinds: ['referral'],
      status: 'approved',
    });
    partnerId = partner.id;
    for (const [kind, code] of [
      ['referral_code', 'NORTHWIND10'],
      ['coupon', 'SPRING-SELLERS'],
    ] as const)
      await createCode(t, { partnerId, program: 'seller-referrals', kind, code });
    clock.set(at('2026-06-01T00:00:00Z'));

    const report = join(dir, 'rejected.csv');
    const r = await tandem('events', 'import', 'examples/events.csv', '--errors', report);
    expect(r.code).toBe(2);
    expect(r.out).toContain('11 accepted, 0 duplicates, 1 rejected');
    // Line 13: pay-1002-01 spans lines 8–9 (a quoted line break), so rows and lines differ.
    expect(r.err).toBe(
      'line 13 (id activation-1004): validation_failed: occurred_at: must be an ISO 8601 date-time\n',
    );
    expect(readFileSync(report, 'utf8')).toBe(
      'line,id,code,message\n13,activation-1004,validation_failed,occurred_at: must be an ISO 8601 date-time\n',
    );
    expect(await countEvents()).toBe(11);

    const stored = await t.store.db
      .selectFrom('events')
      .selectAll()
      .where('external_id', '=', 'pay-1002-01')
      .executeTakeFirstOrThrow();
    expect(stored.source).toBe('api');
    const body = typeof stored.body === 'string' ? JSON.parse(stored.body) : stored.body;
    expect(JSON.stringify(body)).toContain('"note":"gift order,\\nwrapped"');

    await deriveAll(t);
    const { data } = await listAccruals(t, { partnerId, limit: 100 });
    const byEvent = Object.fromEntries(
      data.map((a) => [`${a.rule_id}@${a.customer_id}:${a.amount}`, a.amount]),
    );
    // 10.00 for cus_1001's activation; 20% of each payment's revenue; the refund reverses half
    // of February's; cus_1003 came with no touch; cus_1004's activation was the bad row.
    expect(Object.keys(byEvent).sort()).toEqual(
      [
        'first-year-revenue@cus_1001:19.80',
        'first-year-revenue@cus_1001:19.80',
        'first-year-revenue@cus_1001:-9.90',
        'first-year-revenue@cus_1002:1.60',
        'first-year-revenue@cus_1004:9.00',
        'seller-activation@cus_1001:10.00',
      ]
        .filter((k, i, all) => all.indexOf(k) === i)
        .sort(),
    );
    const total = data.reduce((s, a) => s + BigInt(a.amount_minor), 0n);
    expect(total).toBe(5030n);
  });

  it('imports the same file again as duplicates', async () => {
    const r = await tandem('events', 'import', 'examples/events.csv');
    expect(r.code).toBe(2);
    expect(r.out).toContain('0 accepted, 11 duplicates, 1 rejected');
    expect(await countEvents()).toBe(11);
  });

  it('streams a generated 3,000-row CSV in batches, with one broken row and one formula', async () => {
    const file = join(dir, 'many.csv');
    const rows = ['id,type,occurred_at,customer_id,customer_side,attributes.note'];
    for (let i = 0; i < 3000; i++) {
      const day = String(1 + (i % 28)).padStart(2, '0');
      const note = i % 100 === 0 ? '"a note, with a comma and ""quotes"""' : '';
      rows.push(`gen-${i},signup,2026-03-${day}T10:00:00Z,gen-cus-${i},seller,${note}`);
    }
    rows[1501] = 'gen-1500,signup,2026-03-01T10:00:00Z,gen-cus-1500,seller,"unclosed" tail';
    rows[2001] = '=cmd|calc,signup,2026-03-01T10:00:00Z,,seller,';
    writeFileSync(file, `${rows.join('\n')}\n`);
    const before = await countEvents();

    const report = join(dir, 'many-rejected.csv');
    const r = await tandem('events', 'import', file, '--batch', '700', '--errors', report);
    expect(r.code).toBe(2);
    expect(r.out).toContain('2998 accepted, 0 duplicates, 2 rejected');
    expect(await countEvents()).toBe(before + 2998);
    expect(r.err).toContain('line 1502: invalid_csv: unexpected text after a closing quote');
    expect(r.err).toContain('line 2002 (id =cmd|calc): validation_failed: customer.id:');
    const csv = readFileSync(report, 'utf8').split('\n');
    expect(csv).toContain(`1502,,invalid_csv,"unexpected text after a closing quote: "" tail"""`);
    expect(csv.find((l) => l.startsWith('2002,'))).toMatch(/^2002,'=cmd\|calc,validation_failed,/);
  });

  it('imports JSON Lines with --source, reporting a line that is not JSON without sending it', async () => {
    const file = join(dir, 'events.jsonl');
    const event = (id: string) =>
      JSON.stringify({
        id,
        type: 'signup',
        occurred_at: '2026-05-02T00:00:00Z',
        customer: { id: `cus-${id}`, side: 'buyer', attributes: { plan: 'pro' } },
      });
    writeFileSync(file, `${event('j1')}\n\n{"id": "j2", oops}\n${event('j3')}\n[1]\n`);
    const r = await tandem('events', 'import', file, '--source', 'billing', '--batch', '1');
    expect(r.code).toBe(2);
    expect(r.out).toContain('2 accepted, 0 duplicates, 2 rejected');
    expect(r.err).toMatch(/^line 3: invalid_json: /m);
    expect(r.err).toContain('line 5: invalid_json: each line must be one event object');
    const sources = await t.store.db
      .selectFrom('events')
      .select(['external_id', 'source'])
      .where('external_id', 'in', ['j1', 'j3'])
      .execute();
    expect(sources.map((s) => s.source)).toEqual(['billing', 'billing']);
  });

  it('reads standard input with -, and on a terminal draws a progress bar and prints errors after it', async () => {
    const lines = [
      JSON.stringify({
        id: 'in-1',
        type: 'signup',
        occurred_at: '2026-05-03',
        customer: { id: 'in-c' },
      }),
      '{"id": ',
    ];
    const io = { ...captureIo({ env }), stdin: Readable.from([`${lines.join('\n')}\n`]) };
    expect(await run(['events', 'import', '-', '--format', 'jsonl'], io)).toBe(2);
    expect(io.out()).toBe('1 accepted, 0 duplicates, 1 rejected\n');

    const tty = captureIo({ env, isTTY: true });
    expect(await run(['events', 'import', 'examples/events.csv'], tty)).toBe(2);
    expect(tty.out()).toContain('100%');
    expect(tty.out()).toContain('0 accepted, 11 duplicates, 1 rejected\n');
    expect(tty.err()).toBe(
      'line 13 (id activation-1004): validation_failed: occurred_at: must be an ISO 8601 date-time\n',
    );
  });

  it('stops before sending anything when the CSV header has an unknown column', async () => {
    const file = join(dir, 'typo.csv');
    writeFileSync(file, 'id,type,occured_at,customer_id\nx,signup,2026-01-01,c\n');
    const before = await countEvents();
    const r = await tandem('events', 'import', file);
    expect(r.code).toBe(1);
    expect(r.err).toContain('line 1: the header is not usable');
    expect(r.err).toContain('column 3 "occured_at" is not an event field');
    expect(r.err).toContain('the header has no "occurred_at" column');
    expect(await countEvents()).toBe(before);
  });

  it('creates API keys and lists partners', async () => {
    const created = await tandem(
      'keys',
      'create',
      '--name',
      'billing sync',
      '--scopes',
      'events:write',
    );
    expect(created.code).toBe(0);
    expect(created.out).toMatch(
      /created key key_\w+ "billing sync" \(scopes: events:write\)\ntdm_a_/,
    );

    const asJson = await tandem(
      'keys',
      'create',
      '--name',
      'partner',
      '--partner',
      partnerId,
      '--json',
    );
    expect(JSON.parse(asJson.out)).toMatchObject({ partner_id: partnerId, scopes: ['read'] });

    const list = await tandem('partners', 'list');
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/^ID +STATUS +KINDS +NAME/);
    expect(list.out).toContain('Northwind Reviews');
    expect(list.out).toContain('seller-referrals');
  });

  it('creates a partner with a code, a coupon and a link', async () => {
    const created = await tandem(
      'partners',
      'create',
      '--name',
      'Ana Lima',
      '--email',
      'ana@lima.example',
      '--program',
      'seller-referrals',
    );
    expect(created.code, created.err).toBe(0);
    const id = created.out.split(/\s+/)[0] as string;
    expect(id).toMatch(/^prt_/);
    expect(created.out).toContain('approved');
    expect(
      (await tandem('partners', 'code', id, '--program', 'seller-referrals', '--code', 'ANA10'))
        .out,
    ).toBe('ANA10  referral_code\n');
    expect(
      (
        await tandem(
          'partners',
          'code',
          id,
          '--program',
          'seller-referrals',
          '--coupon',
          '--code',
          'ANA-SAVE',
        )
      ).out,
    ).toBe('ANA-SAVE  coupon\n');
    const link = await tandem(
      'partners',
      'link',
      id,
      '--program',
      'seller-referrals',
      '--to',
      'https://m.test/sell',
      '--code',
      'ana',
    );
    expect(link.out).toBe('/r/ana  →  https://m.test/sell\n');
    const taken = await tandem(
      'partners',
      'code',
      id,
      '--program',
      'seller-referrals',
      '--code',
      'ana10',
    );
    expect(taken.code).toBe(1);
    expect(taken.err).toContain('code_taken');
  });

  it('prints problem+json errors readably and exits 1', async () => {
    const bad = await tandem('keys', 'create', '--name', 'x', '--scopes', 'root');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(
      /^error: validation_failed \(HTTP 400\)\n {2}body\.scopes\[0\]: Invalid option/,
    );

    const io = captureIo({ env: { ...env, TANDEM_API_KEY: 'tdm_a_wrong' } });
    expect(await run(['partners', 'list'], io)).toBe(1);
    expect(io.err()).toContain('error: unauthorized: unknown or revoked API key (HTTP 401)');
    expect(io.err()).toContain('the API key came from TANDEM_API_KEY');
  });

  it('reads the key from $TANDEM_DATA_DIR/admin-api-key when none is given', async () => {
    writeFileSync(join(dir, 'admin-api-key'), `${env.TANDEM_API_KEY}\n`);
    const io = captureIo({ env: { TANDEM_URL: env.TANDEM_URL, TANDEM_DATA_DIR: dir } });
    expect(await run(['partners', 'list', '--json'], io)).toBe(0);
    expect(JSON.parse(io.out()).data.length).toBeGreaterThan(0);

    const none = captureIo({ env: { TANDEM_URL: env.TANDEM_URL }, cwd: dir });
    expect(await run(['partners', 'list'], none)).toBe(1);
    expect(none.err()).toContain('error: no API key');
  });

  it('says so when the server cannot be reached, after retrying', async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const { port } = closed.address() as AddressInfo;
    await new Promise((done) => closed.close(done));
    const url = `http://127.0.0.1:${port}`;
    const io = captureIo({ env: { TANDEM_URL: url, TANDEM_API_KEY: 'k' } });
    expect(await run(['events', 'import', 'examples/events.csv'], io)).toBe(1);
    expect(io.err()).toContain('retrying in');
    expect(io.err()).toContain(`cannot reach Tandem at ${url} (ECONNREFUSED)`);
    expect(io.err()).toContain('from line 2 on, nothing is confirmed');
  });
});

describe('bin/tandem.js', () => {
  it('runs the CLI through tsx: --help lists the commands and exits 0', () => {
    const r = spawnSync(process.execPath, ['bin/tandem.js', '--help'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    for (const command of ['program', 'events', 'keys', 'partners'])
      expect(r.stdout).toMatch(new RegExp(`^ {2}${command} `, 'm'));
  });

  it('passes the exit code through', () => {
    const r = spawnSync(process.execPath, ['bin/tandem.js', 'program', 'validate', 'nope.yaml'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('nope.yaml: no such file');
  });
});
