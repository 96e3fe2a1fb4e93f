/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserApp, browserApp, browserAvailable } from '../support/browser-app.js';

// The first must-hold: a partner signs in, an event for their referred customer is
// ingested through the API, and the new conversion and earning appear on their dashboard
// within 5 seconds, without a reload. Then: partner A cannot see partner B's data through
// the UI, by editing URLs, or by calling the API with A's session.

let w: BrowserApp;
let northwind: { id: string; code: string };
let shipfast: { id: string; name: string };
beforeAll(async () => {
  if (!browserAvailable) return;
  w = await browserApp();
  const partners = (await w.api('GET', '/v1/partners?limit=100')).json.data as {
    id: string;
    name: string;
    email: string;
  }[];
  const nw = partners.find((p) => p.email === 'team@northwind.example');
  const sf = partners.find((p) => p.email === 'bd@shipfast.example');
  if (!nw || !sf) throw new Error('the demo should have Northwind and ShipFast');
  const codes = (await w.api('GET', `/v1/partners/${nw.id}/codes`)).json.data as {
    code: string;
    kind: string;
  }[];
  const code = codes.find((c) => c.kind === 'referral_code')?.code;
  if (!code) throw new Error('Northwind should have a referral code');
  northwind = { id: nw.id, code };
  shipfast = { id: sf.id, name: sf.name };
}, 120_000);
afterAll(async () => w?.close());

const card = (page: import('playwright-core').Page, label: string) =>
  page.getByRole('group', { name: label }).locator('.stat-value');

describe.skipIf(!browserAvailable)('the partner portal in chromium', () => {
  it('shows a new conversion and earning within 5 seconds of ingestion, without a reload', async () => {
    const { page } = await w.newPage();
    await w.signIn(page, 'team@northwind.example');
    await page.waitForURL(/\/portal/);
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    const signups = card(page, 'Signups');
    const earnings = card(page, 'Earnings');
    await signups.waitFor();
    const before = { signups: await signups.innerText(), earnings: await earnings.innerText() };
    await w.shot(page, 'portal-dashboard-before');
    let reloaded = false;
    page.on('framenavigated', (f) => {
      if (f === page.mainFrame()) reloaded = true;
    });

    const customer = `browser-live-${Date.now()}`;
    const started = Date.now();
    const ingest = await w.api('POST', '/v1/events', {
      id: `${customer}-signup`,
      type: 'signup',
      occurred_at: new Date().toISOString(),
      customer: { id: customer, side: 'seller' },
      referral_code: northwind.code,
    });
    expect(ingest.status, JSON.stringify(ingest.json)).toBe(201);

    const expectedSignups = String(Number(before.signups.replace(/[^\d]/g, '')) + 1);
    await page.waitForFunction(
      ([want, was]) => {
        const text = (label: string) =>
          document.querySelector(`[role=group][aria-label="${label}"] .stat-value`)?.textContent ??
          '';
        return text('Signups').replace(/[^\d]/g, '') === want && text('Earnings') !== was;
      },
      [expectedSignups, before.earnings] as const,
      { timeout: 5_000 - (Date.now() - started), polling: 100 },
    );
    const seenAfter = Date.now() - started;
    await w.shot(page, 'portal-dashboard-after-event');
    expect(seenAfter).toBeLessThan(5_000);
    expect(reloaded).toBe(false);

    // The earning is the one the engine posted for that customer, listed first with its reason.
    const lines = (await w.api('GET', `/v1/accruals?customer_id=${customer}`)).json.data as {
      amount: string;
      partner_id: string;
    }[];
    expect(lines).toHaveLength(1);
    expect(lines[0]?.partner_id).toBe(northwind.id);
    const latest = page
      .getByRole('region', { name: 'Latest earnings' })
      .locator('tbody tr')
      .first();
    await expect.poll(() => latest.innerText(), { timeout: 5_000 }).toContain(lines[0]?.amount);
    console.log(`browser: the new signup and earning appeared ${seenAfter} ms after ingestion`);
  });

  it("does not show partner B's data to partner A, by UI, URL or API", async () => {
    const { page } = await w.newPage();
    await w.signIn(page, 'team@northwind.example');
    await page.waitForURL(/\/portal/);

    // The console is not for partners: its URLs send a partner back to the portal.
    await page.goto(`/console/partners/${shipfast.id}`);
    await page.waitForURL(/\/portal/);
    await expect.poll(() => page.locator('body').innerText()).not.toContain(shipfast.name);
    await w.shot(page, 'portal-isolation-console-url');

    // The API with A's session: B's data is as if it did not exist; operator reads are refused.
    const probe = await page.evaluate(async (other) => {
      const get = async (path: string) => {
        const r = await fetch(path, { credentials: 'same-origin' });
        return { status: r.status, code: ((await r.json()) as { code?: string }).code };
      };
      return {
        balances: await get(`/v1/partners/${other}/balances`),
        dashboard: await get(`/v1/partners/${other}/dashboard`),
        accruals: await get(`/v1/partners/${other}/accruals`),
        partners: await get('/v1/partners'),
        overview: await get('/v1/overview'),
        // A write without the app's header is refused before it is looked at (CSRF).
        forged: await fetch(`/v1/partners/${other}/links`, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ program: 'referrals', destination: 'https://evil.example/' }),
        }).then(async (r) => ({
          status: r.status,
          code: ((await r.json()) as { code?: string }).code,
        })),
      };
    }, shipfast.id);
    expect(probe).toEqual({
      balances: { status: 404, code: 'partner_not_found' },
      dashboard: { status: 404, code: 'partner_not_found' },
      accruals: { status: 404, code: 'partner_not_found' },
      partners: { status: 403, code: 'forbidden' },
      overview: { status: 403, code: 'forbidden' },
      forged: { status: 403, code: 'csrf_header_missing' },
    });

    // Every portal page shows A's own data only.
    for (const path of [
      '/portal',
      '/portal/earnings',
      '/portal/links',
      '/portal/payouts',
      '/portal/tier',
    ]) {
      await page.goto(path);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await page.waitForLoadState('networkidle');
      expect(await page.locator('main').innerText()).not.toContain(shipfast.name);
    }
    await w.shot(page, 'portal-isolation-tier');
  });

  it('works on a phone-width screen and by keyboard', async () => {
    const { page } = await w.newPage(375);
    await w.signIn(page, 'team@northwind.example');
    await page.waitForURL(/\/portal/);
    await card(page, 'Signups').waitFor();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    // The first Tab reaches the skip link, which moves focus to the main content.
    await page.keyboard.press('Tab');
    const skip = await page.evaluate(() => document.activeElement?.textContent ?? '');
    expect(skip).toMatch(/skip/i);
    await page.keyboard.press('Enter');
    const focused = await page.evaluate(() => document.activeElement?.id ?? '');
    expect(focused).toBe('main');
    await w.shot(page, 'portal-dashboard-phone');
  });
});
