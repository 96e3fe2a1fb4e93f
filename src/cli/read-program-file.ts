import { readFileSync } from 'node:fs';
import { parse, YAMLParseError } from 'yaml';
import type { Issue } from '../core/errors.js';
import {
  type ProgramTermsDocument,
  programTermsSchema,
  validateTerms,
} from '../core/program-terms.js';
import { parseInstant } from '../core/time.js';

/** The key of a program, as POST /v1/programs accepts it. */
export const PROGRAM_KEY = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * A program file: the program it belongs to, when its terms take effect, and
 * the terms. A file that holds only the terms (no `terms` or `program` key)
 * is read as `{ terms: <file> }`.
 */
export interface ProgramFile {
  program: string | undefined;
  name: string | undefined;
  effectiveFrom: string | undefined;
  correction: boolean | undefined;
  reason: string | undefined;
  /** The terms as written, sent to the server as they are. */
  terms: unknown;
  /** Whether the file held only terms. */
  termsOnly: boolean;
}

export type ReadProgramFileResult =
  | { ok: true; file: ProgramFile; document: ProgramTermsDocument }
  | { ok: false; issues: Issue[] };

const ENVELOPE_KEYS = ['program', 'name', 'effective_from', 'correction', 'reason', 'terms'];
const TERMS_KEYS = Object.keys(programTermsSchema.shape);
const AMOUNT_PATH = /(?:^|\.)(?:flat|cap_per_customer|per_partner_per_month)$/;

/**
 * Reads a program file (YAML, or JSON, which is YAML too) and checks all of
 * it locally: the envelope (`program`, `effective_from`, …) and the terms,
 * with `validateTerms`, the check the server runs. Every problem comes back
 * with its path; term paths are relative to the terms (`rewards[1].percent`),
 * as the API reports them.
 */
export function readProgramFile(path: string, label = path): ReadProgramFileResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return {
      ok: false,
      issues: [
        {
          path: label,
          message: code === 'ENOENT' ? 'no such file' : `cannot read it (${code ?? String(e)})`,
        },
      ],
    };
  }
  let data: unknown;
  try {
    data = parse(text, { prettyErrors: true });
  } catch (e) {
    if (e instanceof YAMLParseError) {
      const at = e.linePos?.[0];
      const message = e.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? '';
      return {
        ok: false,
        issues: [{ path: at ? `${label}:${at.line}:${at.col}` : label, message }],
      };
    }
    throw e;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return {
      ok: false,
      issues: [{ path: '(root)', message: 'must be a mapping: a program file or program terms' }],
    };
  }
  const raw = data as Record<string, unknown>;
  const termsOnly = !('terms' in raw) && !('program' in raw);
  const issues: Issue[] = [];
  const envelope = termsOnly ? { terms: raw } : raw;

  for (const key of Object.keys(envelope)) {
    if (ENVELOPE_KEYS.includes(key)) continue;
    issues.push({
      path: key,
      message: TERMS_KEYS.includes(key)
        ? 'belongs under terms'
        : `unknown key (a program file has ${ENVELOPE_KEYS.join(', ')})`,
    });
  }
  const str = (key: string, check: (s: string) => string | undefined) => {
    const v = envelope[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') {
      issues.push({ path: key, message: `must be text; got ${describe(v)}` });
      return undefined;
    }
    const problem = check(v);
    if (problem) issues.push({ path: key, message: problem });
    return v;
  };
  const program = str('program', (s) =>
    PROGRAM_KEY.test(s)
      ? undefined
      : 'must be lowercase letters, digits and -, starting with a letter or digit (max 63)',
  );
  const name = str('name', (s) =>
    s.trim().length === 0 || s.length > 200 ? 'must be 1 to 200 characters' : undefined,
  );
  const effectiveFrom = str('effective_from', (s) =>
    parseInstant(s) === undefined
      ? 'must be an ISO 8601 date or date-time, such as 2026-01-01 or 2026-01-01T00:00:00Z'
      : undefined,
  );
  const reason = str('reason', (s) =>
    s.length > 1000 ? 'must be at most 1000 characters' : undefined,
  );
  let correction: boolean | undefined;
  if (envelope.correction !== undefined && envelope.correction !== null) {
    if (typeof envelope.correction === 'boolean') correction = envelope.correction;
    else issues.push({ path: 'correction', message: 'must be true or false' });
  }
  if (correction && !reason?.trim())
    issues.push({ path: 'reason', message: 'required for a correction' });

  const terms = envelope.terms;
  let document: ProgramTermsDocument | undefined;
  if (terms === undefined || terms === null) {
    issues.push({ path: 'terms', message: 'required: the program terms' });
  } else {
    const checked = validateTerms(terms);
    if (checked.ok) document = checked.document;
    else issues.push(...checked.issues.map(withAmountHint));
  }
  if (issues.length || !document) return { ok: false, issues };
  return {
    ok: true,
    file: { program, name, effectiveFrom, correction, reason, terms, termsOnly },
    document,
  };
}

function withAmountHint(issue: Issue): Issue {
  if (AMOUNT_PATH.test(issue.path) && /received number/.test(issue.message))
    return { ...issue, message: `${issue.message} (write amounts in quotes, e.g. "10.00")` };
  return issue;
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Date) return 'a YAML timestamp (quote it)';
  return typeof v === 'object' ? 'a mapping' : `${typeof v} ${JSON.stringify(v)}`;
}
