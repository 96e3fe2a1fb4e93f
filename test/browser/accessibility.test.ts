/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserApp, browserApp, browserAvailable } from '../support/browser-app.js';

// Usable by keyboard, labelled form fields, visible focus, sensible on a phone-width screen:
// checked on every page of the portal and the console, at 375 px.

let w: BrowserApp;
beforeAll(async () => {
  if (!browserAvailable) return;
  w = await browserApp();
}, 120_000);
afterAll(async () => w?.close());

const PORTAL = [
  '/portal',
  '/portal/earnings',
  '/portal/links',
  '/portal/tier',
  '/portal/payouts',
  '/portal/integrations',
  '/portal/campaigns',
  '/portal/help',
];
const CONSOLE = [
  '/console',
  '/console/partners',
  '/console/programs',
  '/console/programs/referrals',
  '/console/payout-runs',
  '/console/ledger',
  '/console/events',
  '/console/integrations',
  '/console/campaigns',
  '/console/knowledge-base',
  '/console/settings',
];

/** What a page gets wrong, in words: unlabelled controls, heading count, overflow, invisible focus. */
async function problems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const h1 = document.querySelectorAll('h1').length;
    if (h1 !== 1) out.push(`${h1} h1 headings`);
    if (!document.querySelector('main')) out.push('no <main> landmark');
    for (const el of document.querySelectorAll<HTMLElement>('input, select, textarea')) {
      if ((el as HTMLInputElement).type === 'hidden' || el.closest('[hidden]')) continue;
      const labelled =
        el.getAttribute('aria-label') ||
        el.getAttribute('aria-labelledby') ||
        (el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`)) ||
        el.closest('label');
      if (!labelled)
        out.push(`unlabelled ${el.tagName.toLowerCase()} ${el.outerHTML.slice(0, 80)}`);
    }
    for (const el of document.querySelectorAll<HTMLElement>('button, a[href]')) {
      if (el.closest('[hidden]')) continue;
      const name = (el.getAttribute('aria-label') ?? el.textContent ?? '').trim();
      if (!name && !el.getAttribute('aria-labelledby') && !el.querySelector('img[alt]'))
        out.push(`nameless ${el.tagName.toLowerCase()} ${el.outerHTML.slice(0, 80)}`);
    }
    const overflow = document.documentElement.scrollWidth - window.innerWidth;
    if (overflow > 0) out.push(`${overflow}px of sideways overflow`);
    return out;
  });
}

/** Tabs through the page and checks each focused element shows a visible outline or ring. */
async function invisibleFocus(page: Page, stops = 12): Promise<string[]> {
  const out: string[] = [];
  await page.locator('body').focus();
  for (let i = 0; i < stops; i++) {
    await page.keyboard.press('Tab');
    const seen = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return 'body';
      const s = getComputedStyle(el);
      const ring = s.outlineStyle !== 'none' && Number.parseFloat(s.outlineWidth) > 0;
      return ring || s.boxShadow !== 'none' ? '' : el.outerHTML.slice(0, 80);
    });
    if (seen === 'body') break;
    if (seen) out.push(`focus not visible on ${seen}`);
  }
  return out;
}

async function audit(page: Page, paths: string[], tag: string) {
  const found: Record<string, string[]> = {};
  for (const path of paths) {
    await page.goto(path);
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await page.waitForLoadState('networkidle');
    const issues = [...(await problems(page)), ...(await invisibleFocus(page))];
    if (issues.length) found[path] = issues;
    await w.shot(page, `a11y-${tag}${path.replaceAll('/', '-')}`);
  }
  return found;
}

describe.skipIf(!browserAvailable)('accessibility on every page, at phone width', () => {
  it('the partner portal', async () => {
    const { page } = await w.newPage(375);
    await w.signIn(page, 'partners@sellertools.example');
    expect(await audit(page, PORTAL, 'portal')).toEqual({});
  });

  it('the operator console', async () => {
    const { page } = await w.newPage(375);
    await w.signIn(page, 'admin@tandem.local');
    expect(await audit(page, CONSOLE, 'console')).toEqual({});
  });

  it('the sign-in page', async () => {
    const { page } = await w.newPage(375);
    await page.goto('/sign-in');
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect([...(await problems(page)), ...(await invisibleFocus(page))]).toEqual([]);
    // The checks themselves catch what they look for.
    await page.evaluate(() => {
      const main = document.querySelector('main') as HTMLElement;
      main.insertAdjacentHTML(
        'afterbegin',
        '<input id="probe-input"><button id="probe-button" style="outline:none;box-shadow:none">Go</button>',
      );
      const style = document.createElement('style');
      style.textContent =
        '#probe-button:focus, #probe-button:focus-visible { outline: none !important; box-shadow: none !important; }';
      document.head.append(style);
    });
    expect((await problems(page)).join('\n')).toContain('unlabelled input');
    expect((await invisibleFocus(page, 40)).join('\n')).toContain('probe-button');
  });
});
