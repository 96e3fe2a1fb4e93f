/**
 * Keeps the documentation honest: every YAML block in the program guides that is a whole terms
 * document (a top-level `currency:`), or a program file whose `terms` is one, must pass
 * `validateTerms`. A block marked `<!-- invalid -->` on the line before its fence is a
 * deliberately invalid example: it must be refused with exactly the issues its leading
 * `# path: message` comment lines show.
 *
 * The extractor is a pure function over markdown text, so the first tests run it on a fixture:
 * the suite cannot pass by finding no blocks.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateTerms } from '../src/core/program-terms.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

interface TermsBlock {
  /** `docs/writing-terms.md:123`, the line of the opening fence. */
  where: string;
  terms: unknown;
  /** Present for blocks marked invalid: the issues they must get, as `path: message`. */
  expectedIssues?: string[];
}

const FENCE = /^```yaml\s*$/;
const END = /^```\s*$/;
const INVALID = /^<!--\s*invalid\s*-->$/;

/** The terms documents among the ```yaml blocks of a markdown text. */
function termsBlocks(markdown: string, file: string): TermsBlock[] {
  const lines = markdown.split('\n');
  const out: TermsBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!FENCE.test(lines[i] as string)) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !END.test(lines[i] as string); i++) body.push(lines[i] as string);
    const text = body.join('\n');
    const where = `${file}:${start + 1}`;
    const invalid = INVALID.test((lines[start - 1] ?? '').trim());
    // Fragments (a lone `when:`, a `duration:`) are not documents; skip them before parsing,
    // since some repeat a key on purpose to show alternatives.
    if (!invalid && !/^(currency|terms):/m.test(text)) continue;
    const data = parse(text) as Record<string, unknown> | null;
    const terms = data && 'currency' in data ? data : data?.terms;
    if (!terms || typeof terms !== 'object' || !('currency' in terms))
      throw new Error(`${where}: a terms block without a top-level currency`);
    if (!invalid) {
      out.push({ where, terms });
      continue;
    }
    const expectedIssues = body
      .filter((l) => l.startsWith('# '))
      .map((l) => l.slice(2).trim())
      .filter((l) => /^[\w.[\]()]+: /.test(l));
    if (expectedIssues.length === 0)
      throw new Error(`${where}: an invalid example must list its issues as "# path: message"`);
    out.push({ where, terms, expectedIssues });
  }
  return out;
}

function issuesOf(terms: unknown): string[] {
  const r = validateTerms(terms);
  return r.ok ? [] : r.issues.map((i) => `${i.path}: ${i.message}`);
}

describe('termsBlocks (the extractor)', () => {
  const fixture = [
    '# Title',
    '```yaml',
    'when: { field: customer.side, op: eq, value: seller }',
    'when: { field: customer.side, op: eq, value: buyer }',
    '```',
    '```yaml',
    'currency: USD',
    'rewards: []',
    '```',
    '```yaml',
    'program: p',
    'terms:',
    '  currency: EUR',
    '  rewards: []',
    '```',
    '<!-- invalid -->',
    '```yaml',
    '# notice_days: Too big: expected number to be <=365',
    'currency: USD',
    'rewards: []',
    'notice_days: 400',
    '```',
    '```json',
    '{"currency": "USD"}',
    '```',
  ].join('\n');

  it('finds terms documents and program files, and skips fragments and other languages', () => {
    const blocks = termsBlocks(fixture, 'f.md');
    expect(blocks.map((b) => b.where)).toEqual(['f.md:6', 'f.md:10', 'f.md:17']);
    expect(blocks[1]?.terms).toEqual({ currency: 'EUR', rewards: [] });
    expect(blocks[2]?.expectedIssues).toEqual([
      'notice_days: Too big: expected number to be <=365',
    ]);
  });

  it('refuses an invalid example that does not say what is wrong', () => {
    const bare = ['<!-- invalid -->', '```yaml', 'currency: USD', 'rewards: 1', '```'].join('\n');
    expect(() => termsBlocks(bare, 'f.md')).toThrow('must list its issues');
  });

  it('detects a fixture issue list that does not match', () => {
    const [, , invalid] = termsBlocks(fixture, 'f.md');
    expect(issuesOf(invalid?.terms)).toEqual(invalid?.expectedIssues);
    expect(issuesOf({ currency: 'USD', rewards: [] })).toEqual([]);
  });
});

const docs = ['docs/writing-terms.md', 'docs/programs.md', 'docs/integrations.md'];
const blocks = docs.flatMap((file) =>
  termsBlocks(readFileSync(join(ROOT, file), 'utf8'), file).map((b) => ({ ...b, file })),
);

describe('terms examples in the docs', () => {
  it('finds every example the guides are meant to have', () => {
    const count = (file: string, invalid: boolean) =>
      blocks.filter((b) => b.file === file && (b.expectedIssues !== undefined) === invalid).length;
    // The referral core, a signup bounty, tiers, accelerators, bonuses, budgets, a program file.
    expect(count('docs/writing-terms.md', false)).toBeGreaterThanOrEqual(7);
    expect(count('docs/writing-terms.md', true)).toBeGreaterThanOrEqual(4);
    // The example and the CLI program file.
    expect(count('docs/programs.md', false)).toBeGreaterThanOrEqual(2);
    expect(count('docs/integrations.md', false)).toBeGreaterThanOrEqual(1);
  });

  const valid = blocks.filter((b) => b.expectedIssues === undefined);
  it.each(valid.map((b) => [b.where, b.terms] as const))('%s is valid terms', (_where, terms) => {
    expect(issuesOf(terms)).toEqual([]);
  });

  const invalid = blocks.filter((b) => b.expectedIssues !== undefined);
  it.each(invalid.map((b) => [b.where, b.terms, b.expectedIssues] as const))(
    '%s is refused with the issues it shows',
    (_where, terms, expected) => {
      expect(issuesOf(terms).sort()).toEqual([...(expected ?? [])].sort());
    },
  );
});
