import { describe, expect, it } from 'vitest';
import { normalizeCode } from './touch.js';

describe('normalizeCode', () => {
  it('trims and upper-cases, so codes match case-insensitively', () => {
    expect(normalizeCode(' alice10 ')).toBe('ALICE10');
    expect(normalizeCode('Spring-Sale')).toBe('SPRING-SALE');
    expect(normalizeCode(normalizeCode('x1'))).toBe('X1');
  });
});
