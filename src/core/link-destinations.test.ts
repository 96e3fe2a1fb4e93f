import { describe, expect, it } from 'vitest';
import { destinationAllowed, destinationPattern } from './link-destinations.js';

const allowed = (patterns: string[] | undefined, url: string) =>
  destinationAllowed(patterns, new URL(url));

describe('link destinations', () => {
  it('without a list, allows any address', () => {
    expect(allowed(undefined, 'https://anywhere.example/x')).toBe(true);
  });

  it('allows the listed hosts and the subdomains of a *. pattern, nothing else', () => {
    const list = ['market.example', '*.market.example'];
    expect(allowed(list, 'https://market.example/sell')).toBe(true);
    expect(allowed(list, 'http://MARKET.example:8080/')).toBe(true);
    expect(allowed(list, 'https://shop.market.example/')).toBe(true);
    expect(allowed(list, 'https://a.b.market.example/')).toBe(true);
    expect(allowed(list, 'https://evilmarket.example/')).toBe(false);
    expect(allowed(list, 'https://market.example.evil.test/')).toBe(false);
    expect(allowed(['*.market.example'], 'https://market.example/')).toBe(false);
    expect(allowed(list, 'https://user@evil.test/?market.example')).toBe(false);
  });

  it('reads patterns as lower-case host names and refuses anything else', () => {
    expect(destinationPattern.parse(' Market.Example ')).toBe('market.example');
    for (const bad of [
      'https://market.example',
      'market.example/path',
      '*',
      '*.',
      'a..b',
      '-a.example',
      'ex ample.com',
    ])
      expect(destinationPattern.safeParse(bad).success, bad).toBe(false);
  });
});
