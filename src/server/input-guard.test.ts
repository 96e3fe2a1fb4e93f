import { describe, expect, it } from 'vitest';
import { findUnsafeInput, MAX_DEPTH } from './input-guard.js';

const nest = (depth: number, leaf: unknown = 'x'): unknown => {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { k: v };
  return v;
};

describe('findUnsafeInput', () => {
  it('accepts ordinary JSON, including emoji (well-formed surrogate pairs)', () => {
    expect(
      findUnsafeInput(
        { name: 'Zoë 🚀', kinds: ['referral'], n: 1, ok: true, none: null, x: nest(MAX_DEPTH - 1) },
        'body',
      ),
    ).toBeUndefined();
    expect(findUnsafeInput(undefined, 'body')).toBeUndefined();
    expect(findUnsafeInput('plain', 'params')).toBeUndefined();
  });

  it('names the path of a NUL or a lone surrogate, in values and keys', () => {
    expect(findUnsafeInput({ a: [{ b: 'x\u0000' }] }, 'body')).toEqual({
      path: 'body.a[0].b',
      message: 'must not contain the NUL character (U+0000)',
    });
    expect(findUnsafeInput({ terms: { 'k\ud800': 1 } }, 'body')?.path).toBe('body.terms.k\ud800');
    expect(findUnsafeInput({ id: 'a\udfffb' }, 'params')).toEqual({
      path: 'params.id',
      message: 'must be valid Unicode (it holds a lone surrogate)',
    });
    expect(findUnsafeInput('\u0000', 'querystring')?.path).toBe('querystring');
  });

  it('stops at the depth limit without recursing, however deep the input', () => {
    expect(findUnsafeInput(nest(MAX_DEPTH + 1), 'body')?.message).toContain('64 levels');
    const issue = findUnsafeInput(nest(200_000), 'body');
    expect(issue?.message).toContain(`${MAX_DEPTH} levels`);
    // The path of the node at the limit: 64 steps down from the root.
    expect(issue?.path).toMatch(/^body(\[0\]|\.k)+$/);
    expect(issue?.path.match(/\[0\]|\.k/g)).toHaveLength(MAX_DEPTH);
  });
});
