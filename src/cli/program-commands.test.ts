import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { cliServer } from '../../test/support/cli-server.js';
import { backend, type TestTandem, testTandem } from '../../test/support/test-tandem.js';
import { createProgram, publishVersion } from '../engine/programs.js';
import { demoTerms } from '../engine/seed-demo.js';
import { captureIo } from './capture-io.js';
import { run } from './main.js';

const dir = mkdtempSync(join(tmpdir(), 'tandem-validate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function validate(path: string) {
  // No server, no key: validation is local.
  const io = captureIo({ env: { TANDEM_URL: 'http://127.0.0.1:9' } });
  const code = await run(['program', 'validate', path], io);
  return { code, out: io.out(), err: io.err() };
}

describe('tandem program validate', () => {
  it('accepts the example program and summarizes it, one line per rule', async () => {
    const r = await validate('examples/program.yaml');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toContain('valid: examples/program.yaml');
    expect(r.out).toContain('seller-referrals (Seller referral program)');
    expect(r.out).toContain('currency     USD');
    expect(r.out).toContain('last touch, 90-day window');
    expect(r.out).toContain('hold         30 days');
    expect(r.out).toMatch(
      /seller-activation +activation → 10\.00 USD, when customer\.side = seller/,
    );
    expect(r.out).toMatch(
      /first-year-revenue +payment → 20% of revenue, for 12 months from first payment, capped at 500\.00 USD per customer/,
    );
  });

  it('accepts a JSON file that holds only the terms', async () => {
    const r = await validate(file('terms.json', JSON.stringify(demoTerms)));
    expect(r.code).toBe(0);
    expect(r.out).toContain('rules        4');
    expect(r.out).toContain('cap          5000.00 USD per partner per month');
    expect(r.out).not.toContain('program ');
  });

  it('lists every problem by path and exits 1', async () => {
    const bad = {
      program: 'Not A Key',
      effective_from: '2026-02-30',
      correction: true,
      terms: {
        currency: 'USD',
        hold_days: 30,
        rewards: [
          { id: 'a', event: 'activation', flat: '10.00' },
          { id: 'b', event: 'payment', percent: 20 },
          { id: 'c', event: 'payment', percent: 120 },
          { id: 'd', event: 'signup', flat: 5 },
        ],
      },
    };
    const r = await validate(file('bad.yaml', stringify(bad)));
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    const lines = r.err.split('\n').map((l) => l.trim());
    expect(lines[0]).toMatch(/^invalid: .*bad\.yaml \(5 problems\)$/);
    expect(lines).toContain('rewards[2].percent: must be ≤ 100');
    expect(lines).toContain(
      'rewards[3].flat: Invalid input: expected string, received number (write amounts in quotes, e.g. "10.00")',
    );
    expect(lines.some((l) => l.startsWith('program: must be lowercase'))).toBe(true);
    expect(lines.some((l) => l.startsWith('effective_from: must be an ISO 8601 date'))).toBe(true);
    expect(lines).toContain('reason: required for a correction');
  });

  it('points at terms keys written at the top level of a program file', async () => {
    const r = await validate(
      file('misplaced.yaml', 'program: x\ncurrency: USD\nterms: { currency: USD, rewards: [] }\n'),
    );
    expect(r.code).toBe(1);
    expect(r.err).toContain('currency: belongs under terms');
  });

  it('reports YAML syntax errors with their line and column', async () => {
    const path = file('syntax.yaml', 'terms:\n  currency: USD\n  rewards: [\n');
    const r = await validate(path);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/syntax\.yaml:\d+:\d+: /);
  });

  it('reports a missing file and a file that is not a mapping', async () => {
    expect((await validate(join(dir, 'nope.yaml'))).err).toContain('nope.yaml: no such file');
    const list = await validate(file('list.yaml', '- 1\n- 2\n'));
    expect(list.code).toBe(1);
    expect(list.err).toContain('(root): must be a mapping');
  });
});

describe('tandem program publish (local checks, before any request)', () => {
  it('fails like validate when the file is invalid', async () => {
    const io = captureIo({ env: { TANDEM_URL: 'http://127.0.0.1:9', TANDEM_API_KEY: 'k' } });
    const code = await run(
      ['program', 'publish', file('bad2.yaml', 'terms: { currency: XXX, rewards: [] }\n')],
      io,
    );
    expect(code).toBe(1);
    expect(io.err()).toContain('currency: must be a supported ISO 4217 currency code');
  });

  it('needs a program key and a date for a terms-only file', async () => {
    const io = captureIo({ env: { TANDEM_URL: 'http://127.0.0.1:9', TANDEM_API_KEY: 'k' } });
    const code = await run(['program', 'publish', file('t.json', JSON.stringify(demoTerms))], io);
    expect(code).toBe(1);
    expect(io.err()).toContain('program: which program?');
    expect(io.err()).toContain('effective_from: when?');
  });
});

describe(`tandem program diff against a running server (${backend})`, () => {
  let t: TestTandem;
  let server: Awaited<ReturnType<typeof cliServer>>;

  beforeAll(async () => {
    t = await testTandem({ now: '2026-03-01T00:00:00Z' });
    await createProgram(t, {
      key: 'referrals',
      name: 'Referrals',
      firstVersion: { terms: { ...demoTerms, notice_days: 30 } },
    });
    await publishVersion(t, {
      program: 'referrals',
      terms: {
        ...demoTerms,
        notice_days: 30,
        hold_days: 45,
        rewards: demoTerms.rewards.map((r) =>
          r.id === 'first-year-revenue' ? { ...r, percent: 25 } : r,
        ),
      },
    });
    server = await cliServer(t, ['read']);
  });

  afterAll(async () => {
    await server?.close();
    await t?.close();
  });

  const tandem = (...argv: string[]) => server.tandem(...argv);

  it('prints what the upcoming version changes, one sentence per line', async () => {
    const r = await tandem('program', 'diff', '--program', 'referrals');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      [
        // Published without a date, version 2 waits out the 30 days' notice of version 1.
        'referrals: version 1 (current, effective 2026-03-01T00:00:00.000Z) → version 2 (upcoming, effective 2026-03-31T00:00:00.000Z)',
        '  Hold period 30 → 45 days',
        '  Reward "first-year-revenue": percent 20% → 25%',
        '',
      ].join('\n'),
    );
    const same = await tandem(
      'program',
      'diff',
      '--program',
      'referrals',
      '--from',
      '2',
      '--to',
      '2',
    );
    expect(same.out).toContain('  no changes');
  });

  it('explains unknown versions and bad numbers', async () => {
    const missing = await tandem('program', 'diff', '--program', 'referrals', '--to', '7');
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('version_not_found');
    expect(missing.err).toContain('no version 7');
    const bad = await tandem('program', 'diff', '--program', 'referrals', '--from', 'two');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('--from: must be a version number');
    const nope = await tandem('program', 'diff', '--program', 'nope');
    expect(nope.err).toContain('program_not_found');
    const noFlag = await tandem('program', 'diff');
    expect(noFlag.code).toBe(1);
    expect(noFlag.err).toContain("required option '--program <key>'");
  });
});
