import { describe, expect, it } from 'vitest';
import { maskDetails } from './payout-profile.js';

const wellFormed = (s: string) =>
  !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);

describe('maskDetails', () => {
  it('keeps the last four characters of numbers and the first of an email', () => {
    expect(
      maskDetails({
        iban: 'DE89 3704 0044 0532 0130 00',
        email: 'jane@example.com',
        account_holder: 'Jane',
      }),
    ).toEqual({
      iban: '••••3000',
      email: 'j•••@example.com',
      account_holder: 'Jane',
    });
    expect(maskDetails({ account_number: '123' })).toEqual({ account_number: '••••' });
  });

  it('never cuts a character in half (astral characters are two UTF-16 units)', () => {
    const masked = maskDetails({
      account: '𐀀𐀀𐀀𐀀\u000e',
      routing_number: '😀😀😀😀😀',
      email: '😀x@example.com',
    });
    expect(masked).toEqual({
      account: '••••𐀀𐀀𐀀\u000e',
      routing_number: '••••😀😀😀😀',
      email: '😀•••@example.com',
    });
    for (const v of Object.values(masked)) expect(wellFormed(v)).toBe(true);
  });
});
