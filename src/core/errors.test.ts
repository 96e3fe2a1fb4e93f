import { describe, expect, it } from 'vitest';
import { errorCodes, isTandemError, TandemError } from './errors.js';

describe('TandemError', () => {
  it('carries a code from the catalogue, a message and details', () => {
    const e = new TandemError('invalid_program', 'the program terms are invalid', { issues: [] });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('TandemError');
    expect(e.code).toBe('invalid_program');
    expect(e.message).toBe('the program terms are invalid');
    expect(e.details).toEqual({ issues: [] });
    expect(isTandemError(e)).toBe(true);
    expect(isTandemError(new Error('x'))).toBe(false);
    expect(isTandemError({ code: 'not_found' })).toBe(false);
  });

  it('has unique snake_case codes', () => {
    expect(new Set(errorCodes).size).toBe(errorCodes.length);
    for (const c of errorCodes) expect(c).toMatch(/^[a-z]+(_[a-z]+)*$/);
  });
});
