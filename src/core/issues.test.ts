import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeIssues, formatPath, zodIssues } from './issues.js';

describe('formatPath', () => {
  it('writes zod paths as dotted paths with indices', () => {
    expect(formatPath(['rewards', 2, 'percent'])).toBe('rewards[2].percent');
    expect(formatPath(['caps', 'per_partner_per_month'])).toBe('caps.per_partner_per_month');
    expect(formatPath([0, 'id'])).toBe('[0].id');
    expect(formatPath(['all', 1, 'not', 'value'])).toBe('all[1].not.value');
    expect(formatPath([])).toBe('(root)');
  });
});

describe('zodIssues / describeIssues', () => {
  it('lists every problem of a failed parse in document order', () => {
    const schema = z.object({ a: z.string(), list: z.array(z.object({ n: z.number() })) });
    const r = schema.safeParse({ a: 1, list: [{ n: 1 }, { n: 'x' }] });
    expect(r.success).toBe(false);
    if (r.success) return;
    const issues = zodIssues(r.error);
    expect(issues.map((i) => i.path)).toEqual(['a', 'list[1].n']);
    expect(describeIssues(issues)).toMatch(/^a: .+; list\[1\]\.n: .+$/);
  });
});
