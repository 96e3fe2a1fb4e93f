import { fixedClock } from '../../src/engine/deps.js';
import { createPartner } from '../../src/engine/partners.js';
import { createProgram } from '../../src/engine/programs.js';
import { createCode } from '../../src/engine/tracking.js';
import type { TestTandem } from './test-tandem.js';

/**
 * Program `ref` with `terms` in force from `since` (default 2026-01-01), and
 * one approved partner enrolled in it with referral code `code`, all created
 * at `since` whatever the test's clock says. Returns the partner's id.
 */
export async function programWithPartner(
  t: TestTandem,
  terms: Record<string, unknown>,
  code: string,
  since = '2026-01-01T00:00:00Z',
): Promise<string> {
  const at = Date.parse(since);
  const past = { ...t, clock: fixedClock(at) };
  await createProgram(past, {
    key: 'ref',
    name: 'Referrals',
    firstVersion: { effectiveFrom: at, terms },
  });
  const p = await createPartner(past, {
    name: 'P',
    kinds: ['referral'],
    status: 'approved',
    programs: ['ref'],
  });
  await createCode(past, { partnerId: p.id, program: 'ref', kind: 'referral_code', code });
  return p.id;
}
