import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { backtestWorld, termsV2 } from '../../test/support/backtest-world.js';
import { backend, type TestTandem, testTandem } from '../../test/support/test-tandem.js';
import { createApiKey } from '../engine/api-keys.js';
import { buildServer } from '../server/build-server.js';
import { captureIo } from './capture-io.js';
import { run } from './main.js';

/** `tandem backtest` against a real server on a loopback port. */
describe(`tandem backtest (${backend})`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-backtest-'));
  let t: TestTandem;
  let app: FastifyInstance;
  let env: Record<string, string>;

  beforeAll(async () => {
    t = await testTandem({ now: '2025-09-15T00:00:00Z' });
    await backtestWorld(t);
    const { key } = await createApiKey(t, { name: 'cli test', scopes: ['read'] });
    app = await buildServer(t);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    env = { TANDEM_URL: `http://127.0.0.1:${port}`, TANDEM_API_KEY: key };
    const { budget: _budget, ...unbudgeted } = termsV2;
    const draft = {
      ...unbudgeted,
      rewards: termsV2.rewards.map((r) => (r.id === 'activation' ? { ...r, flat: '20.00' } : r)),
    };
    writeFileSync(join(dir, 'draft.yaml'), stringify({ program: 'ref', terms: draft }));
    writeFileSync(join(dir, 'terms-only.yaml'), stringify(draft));
    writeFileSync(
      join(dir, 'bad.yaml'),
      stringify({ currency: 'USD', rewards: [{ id: 'x', event: 'signup', percent: 5 }] }),
    );
  });

  afterAll(async () => {
    await app?.close();
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function tandem(...argv: string[]) {
    const io = captureIo({ env, cwd: dir });
    const code = await run(argv, io);
    return { code, out: io.out(), err: io.err() };
  }

  const period = ['--from', '2026-01-01', '--to', '2026-06-30'];

  it('prints the comparison as a table', async () => {
    const r = await tandem('backtest', '--terms', 'draft.yaml', ...period);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Backtest of ref (prg_');
    expect(r.out).toContain('2026-01-01 to 2026-06-30');
    expect(r.out).toMatch(/^ +current terms +draft +difference$/m);
    expect(r.out).toMatch(/^cost \(USD\) +\d+\.\d\d +\d+\.\d\d +\+\d+\.\d\d$/m);
    expect(r.out).toMatch(/^cost \(EUR\) +/m);
    expect(r.out).toMatch(/^activations +\d+ +\d+ +0$/m);
    expect(r.out).toMatch(/^cost \/ revenue +\d+\.\d\d % +\d+\.\d\d % +\+\d+\.\d\d pt$/m);
    expect(r.out).toMatch(/^Alpha \(prt_\w+\) +USD +\d+\.\d\d +\d+\.\d\d +\+\d+\.\d\d$/m);
    expect(r.out).toContain('check: the current terms replayed reproduce the ledger exactly');
  });

  it('--format json prints the report; a terms-only file takes --program', async () => {
    const r = await tandem(
      'backtest',
      '--terms',
      'terms-only.yaml',
      '--program',
      'ref',
      ...period,
      '--format',
      'json',
    );
    expect(r.code, r.err).toBe(0);
    const report = JSON.parse(r.out);
    expect(report).toMatchObject({
      program: { key: 'ref' },
      period: { from: '2026-01-01', to: '2026-06-30' },
      baseline_replay_matches_ledger: true,
    });
    // 8.00 more per activation and no budget: the draft costs more, activations are the same.
    expect(report.draft.activations).toBe(report.baseline.activations);
    expect(Number(report.difference.cost)).toBeGreaterThan(0);
    expect(report.partners[0]).toHaveProperty('difference');
  });

  it('--format csv --out writes the file', async () => {
    const r = await tandem(
      'backtest',
      '--terms',
      'draft.yaml',
      ...period,
      '--format',
      'csv',
      '--out',
      'bt.csv',
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe('');
    expect(r.err).toBe('wrote bt.csv\n');
    const csv = readFileSync(join(dir, 'bt.csv'), 'utf8');
    expect(csv.split('\r\n')[0]).toBe(
      'section,partner_id,partner_name,currency,metric,baseline,draft,difference',
    );
    expect(csv).toMatch(/\r\npartner,prt_\w+,Alpha,USD,cost,/);
  });

  it('checks the terms locally and reports the server’s refusals', async () => {
    const bad = await tandem('backtest', '--terms', 'bad.yaml', '--program', 'ref', ...period);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain(
      'bad.yaml: rewards[0].percent: percent rewards apply to payment events only',
    );
    const noProgram = await tandem('backtest', '--terms', 'terms-only.yaml', ...period);
    expect(noProgram.code).toBe(1);
    expect(noProgram.err).toContain('--program: which program?');
    const unknown = await tandem(
      'backtest',
      '--terms',
      'draft.yaml',
      '--program',
      'nope',
      ...period,
    );
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('program_not_found');
    const range = await tandem(
      'backtest',
      '--terms',
      'draft.yaml',
      '--from',
      '2026-06-30',
      '--to',
      '2026-01-01',
    );
    expect(range.code).toBe(1);
    expect(range.err).toContain('invalid_range');
  });
});
