import type { Deps } from './deps.js';
import { findPartner } from './partners.js';
import { getProgramIn, type ProgramView } from './programs.js';

/**
 * The programs a partner is enrolled in, each with the terms in force now
 * and those published to take effect later (never superseded ones): what a
 * partner needs to know what it earns today and what is coming. The
 * program's budget, margin guard and correction reasons are left out.
 *
 * Errors: `partner_not_found`.
 */
export async function listPartnerPrograms(deps: Deps, partnerId: string): Promise<ProgramView[]> {
  const db = deps.store.db;
  await findPartner(db, partnerId);
  const enrolled = await db
    .selectFrom('enrollments')
    .innerJoin('programs', 'programs.id', 'enrollments.program_id')
    .select('programs.id')
    .where('enrollments.partner_id', '=', partnerId)
    .orderBy('programs.key')
    .execute();
  const now = deps.clock.now();
  const out: ProgramView[] = [];
  for (const e of enrolled) {
    const p = (await getProgramIn(db, e.id, now)) as ProgramView;
    out.push({
      ...p,
      versions: p.versions
        .filter((v) => v.status !== 'superseded')
        .map((v) => {
          // The operator's budget and margin ceiling, and its reasons for corrections, are
          // internal: a partner sees what it can earn, not how much the program may spend.
          const { budget: _budget, margin_guard: _guard, ...terms } = v.terms;
          return { ...v, reason: null, terms: terms as typeof v.terms };
        }),
    });
  }
  return out;
}
