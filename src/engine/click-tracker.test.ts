import { describe, expect, it } from 'vitest';
import { spliceOf } from './click-tracker.js';

const append = (destination: string, id: string) => {
  const { base, separator, fragment } = spliceOf(destination);
  return `${base}${separator}tdm_click=${id}${fragment}`;
};

describe('spliceOf', () => {
  it('appends the click id as a query parameter, before any fragment, keeping what is there', () => {
    expect(append('https://m.test/sell', 'clk_1')).toBe('https://m.test/sell?tdm_click=clk_1');
    expect(append('https://m.test/sell?utm_source=p&x=1', 'clk_1')).toBe(
      'https://m.test/sell?utm_source=p&x=1&tdm_click=clk_1',
    );
    expect(append('https://m.test/sell?a=1#pricing', 'clk_1')).toBe(
      'https://m.test/sell?a=1&tdm_click=clk_1#pricing',
    );
    expect(append('https://m.test/#/app?x', 'clk_1')).toBe(
      'https://m.test/?tdm_click=clk_1#/app?x',
    );
  });

  it('gives the same URL the URL API would', () => {
    for (const d of [
      'https://m.test/a?b=c&d=e',
      'https://m.test/p/q?utm_medium=x#frag',
      'http://m.test:8080/',
    ]) {
      const u = new URL(d);
      u.searchParams.append('tdm_click', 'clk_9');
      expect(new URL(append(d, 'clk_9')).toString()).toBe(u.toString());
    }
  });
});
