import { diffTerms, type TermsChange } from '../core/diff-terms.js';
import { TandemError } from '../core/errors.js';
import { type ProgramTermsDocument, validateTerms } from '../core/program-terms.js';
import type { Deps } from './deps.js';
import { getProgram, type VersionView } from './programs.js';

export interface VersionDiff {
  program_id: string;
  from: VersionRef;
  to: VersionRef;
  changes: TermsChange[];
}

interface VersionRef {
  number: number;
  effective_from: string;
  status: VersionView['status'];
}

/**
 * What changes between two versions of a program, in plain terms. `from`
 * defaults to the version in force now and `to` to the latest published, so
 * with neither it answers "what is about to change". Either may be the
 * earlier one: the diff reads from `from` to `to`.
 *
 * Errors: `program_not_found`, `version_not_found` (a number the program
 * does not have), `no_terms_in_force` (`from` left out while no version is in force).
 */
export async function diffVersions(
  deps: Deps,
  input: { program: string; from?: number | undefined; to?: number | undefined },
): Promise<VersionDiff> {
  const program = await getProgram(deps, input.program);
  const pick = (n: number, which: string) => {
    const v = program.versions.find((x) => x.number === n);
    if (!v)
      throw new TandemError(
        'version_not_found',
        `program ${program.key} has no version ${n} (${which}); it has ${program.versions.length}`,
        { number: n },
      );
    return v;
  };
  if (input.from === undefined && program.current_version === null)
    throw new TandemError(
      'no_terms_in_force',
      `program ${program.key} has no version in force now; pass from=N`,
    );
  const from = pick(input.from ?? (program.current_version as number), 'from');
  const latest = program.versions[program.versions.length - 1] as VersionView;
  const to = input.to === undefined ? latest : pick(input.to, 'to');
  return {
    program_id: program.id,
    from: ref(from),
    to: ref(to),
    changes: diffTerms(normalized(from.terms), normalized(to.terms)),
  };
}

const ref = (v: VersionView): VersionRef => ({
  number: v.number,
  effective_from: v.effective_from,
  status: v.status,
});

/**
 * Versions stored before a field existed lack its default; normalizing both
 * sides keeps a default from reading as a change.
 */
function normalized(doc: ProgramTermsDocument): ProgramTermsDocument {
  const r = validateTerms(doc);
  return r.ok ? r.document : doc;
}
