import { compileTerms, type ProgramTerms, parseTerms } from '../core/program-terms.js';
import {
  type ProgramVersion,
  type ProgramWithVersions,
  versionInForce,
} from '../core/program-version.js';
import { jsonOut, toBool, toNumber } from '../store/values.js';
import type { Db, Tx } from './transaction.js';

// Versions are immutable once published, so compiled terms can be kept.
const compiled = new Map<string, ProgramTerms>();

/** Every program with all its published versions, terms compiled for evaluation. */
export async function loadPrograms(db: Db | Tx): Promise<ProgramWithVersions[]> {
  const [programs, versions] = await Promise.all([
    db.selectFrom('programs').select(['id', 'key']).orderBy('id').execute(),
    db.selectFrom('program_versions').selectAll().orderBy('program_id').orderBy('number').execute(),
  ]);
  const byProgram = new Map<string, ProgramVersion[]>();
  for (const v of versions) {
    // Keyed by content too: one process may open several databases (tests, tools).
    const text = typeof v.document === 'string' ? v.document : JSON.stringify(v.document);
    const cacheKey = `${v.id}\u001f${text}`;
    let terms = compiled.get(cacheKey);
    if (!terms) {
      terms = compileTerms(parseTerms(jsonOut(v.document)));
      if (compiled.size > 10_000) compiled.clear();
      compiled.set(cacheKey, terms);
    }
    const list = byProgram.get(v.program_id) ?? [];
    list.push({
      id: v.id,
      programId: v.program_id,
      number: toNumber(v.number),
      effectiveFrom: toNumber(v.effective_from),
      publishedAt: toNumber(v.published_at),
      correction: toBool(v.correction),
      terms,
    });
    byProgram.set(v.program_id, list);
  }
  return programs.map((p) => ({ id: p.id, key: p.key, versions: byProgram.get(p.id) ?? [] }));
}

/**
 * A program's version in force at `at`, else (terms that start later) its
 * first: what a campaign's currency or an MDF posting goes by. Undefined for
 * a program without versions.
 */
export async function versionAtOrFirst(
  db: Db | Tx,
  programId: string,
  at: number,
): Promise<ProgramVersion | undefined> {
  const versions = (await loadPrograms(db)).find((p) => p.id === programId)?.versions ?? [];
  return versionInForce(versions, at) ?? versions[0];
}
