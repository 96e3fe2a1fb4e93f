/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserApp, browserApp, browserAvailable } from '../support/browser-app.js';

// The third must-hold: an operator approves an application, publishes a new program
// version, runs a backtest, and creates, approves and sends a payout run — all in the console.
// Under the demo's four-eyes payout terms the run is approved by a second person (finance).

let w: BrowserApp;
const RUN_PERIOD = '2026-09';
beforeAll(async () => {
  if (!browserAvailable) return;
  w = await browserApp();
}, 120_000);
afterAll(async () => w?.close());

/** The success notice of the last change (a polite live region). */
const ok = (page: Page) => page.locator('[role=status] .notice-ok').last();

describe.skipIf(!browserAvailable)('the operator console in chromium', () => {
  it('approves an application, publishes a version after a backtest, and pays a run with four eyes', async () => {
    const { page } = await w.newPage();
    await w.signIn(page, 'owner@tandem.local');
    await page.waitForURL(/\/console/);
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    await page.getByRole('group', { name: /attributed revenue/i }).waitFor();
    await w.shot(page, 'console-overview');

    // 1. The applications queue: approve the demo's applicant.
    const applicants = (await w.api('GET', '/v1/partners?status=applied')).json.data as {
      id: string;
      name: string;
    }[];
    const applicant = applicants[0];
    if (!applicant) throw new Error('the demo should have an application');
    await page.getByRole('link', { name: 'Partners', exact: true }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Partners' }).waitFor();
    await page.getByRole('button', { name: `Approve ${applicant.name}` }).click();
    await ok(page).waitFor();
    await w.shot(page, 'console-application-approved');
    await expect
      .poll(async () => (await w.api('GET', `/v1/partners/${applicant.id}`)).json.status)
      .toBe('approved');

    // 2. A draft from the version in force, backtested, then published.
    const before = (await w.api('GET', '/v1/programs/referrals')).json as {
      versions: unknown[];
      current_version: number;
    };
    await page.goto('/console/programs/referrals');
    const current = before.current_version;
    await page.getByRole('button', { name: `Show terms of version ${current}` }).click();
    await page.getByRole('button', { name: `Start a draft from version ${current}` }).click();
    const editor = page.getByLabel('Draft terms (YAML or JSON)');
    await expect.poll(() => editor.inputValue()).toContain('percent: 20');
    await editor.fill((await editor.inputValue()).replace('percent: 20', 'percent: 22'));
    await page.getByRole('button', { name: 'Run backtest' }).click();
    await page.getByRole('region', { name: 'Backtest totals' }).waitFor({ timeout: 60_000 });
    await w.shot(page, 'console-backtest');
    await page.getByRole('button', { name: 'Publish version' }).click();
    await page
      .locator('.notice-ok')
      .filter({ hasText: /is published/ })
      .waitFor();
    await w.shot(page, 'console-version-published');
    const after = (await w.api('GET', '/v1/programs/referrals')).json as {
      versions: { number: number; terms: { rewards: { id: string; percent?: number }[] } }[];
    };
    expect(after.versions).toHaveLength(before.versions.length + 1);
    const newest = after.versions.reduce((a, b) => (b.number > a.number ? b : a));
    expect(newest.terms.rewards.find((r) => r.id === 'first-year-revenue')?.percent).toBe(22);

    // 3. A payout run: created by the owner, approved by finance (four eyes), then sent.
    await page.goto('/console/payout-runs');
    await expect
      .poll(() => page.getByLabel('Program').locator('option').count())
      .toBeGreaterThan(1);
    // The referral program pays under four-eyes terms; the demo paid its last month already.
    await page.getByLabel('Program').selectOption({ label: await programLabel(page, 'referrals') });
    await page.getByLabel('Period (optional)').fill(RUN_PERIOD);
    await page.getByRole('button', { name: 'Create payout run' }).click();
    await page.waitForURL(/\/console\/payout-runs\/pr/, { timeout: 15_000 }).catch(() => {});
    const runs = (await w.api('GET', '/v1/payout-runs')).json.data as {
      id: string;
      status: string;
      program_id: string;
    }[];
    const run = runs[0];
    if (!run) throw new Error('the run should exist');
    await page.goto(`/console/payout-runs/${run.id}`);
    // The creator may not approve under four-eyes terms: the console says why.
    const approveByOwner = page.getByRole('button', { name: 'Approve run' });
    await approveByOwner.click();
    await page
      .getByRole('alert')
      .filter({ hasText: /someone else/i })
      .waitFor();
    await w.shot(page, 'console-run-created');
    const created = (await w.api('GET', `/v1/payout-runs/${run.id}`)).json;
    expect(created).toMatchObject({
      period: RUN_PERIOD,
      status: 'pending',
      requires_approval: true,
    });
    expect(created.payouts).toBeGreaterThan(0);

    const finance = await w.newPage();
    await w.signIn(finance.page, 'finance@tandem.local');
    await finance.page.goto(`/console/payout-runs/${run.id}`);
    await finance.page.getByRole('button', { name: 'Approve run' }).click();
    await finance.page.getByRole('button', { name: 'Send run' }).waitFor();
    await finance.page.getByRole('button', { name: 'Send run' }).click();
    await expect
      .poll(async () => (await w.api('GET', `/v1/payout-runs/${run.id}`)).json.status, {
        timeout: 15_000,
      })
      .toMatch(/^(sent|settled|paid)$/);
    await w.shot(finance.page, 'console-run-sent');
    const audit = (await w.api('GET', `/v1/payout-runs/${run.id}`)).json;
    expect(audit.approved_by).not.toBe(audit.created_by);
  });

  it("shows a campaign's report: lift against the holdout, cost, and every partner's figures", async () => {
    const reported = (await w.api('GET', '/v1/campaigns?status=reported')).json.data as {
      name: string;
    }[];
    const spring = reported[0];
    if (!spring) throw new Error('the demo should have a reported campaign');
    const { page } = await w.newPage();
    await w.signIn(page, 'manager@tandem.local');
    await page.goto('/console/campaigns');
    await page.getByText(`Report of ${spring.name}`, { exact: true }).click();
    const panel = page.locator('.campaign-results').first();
    await expect.poll(() => panel.innerText()).toMatch(/lift of [+-]\d/);
    await expect.poll(() => panel.locator('tbody tr').count()).toBeGreaterThan(0);
    await panel.getByRole('button', { name: 'Publish report' }).waitFor();
    await w.shot(page, 'console-campaign-report');
  });
});

/** The option text of a program in the run form's select (its name, maybe with the key). */
async function programLabel(page: Page, key: string): Promise<string> {
  const options = await page
    .getByLabel('Program')
    .locator('option')
    .evaluateAll((os) =>
      (os as HTMLOptionElement[]).map((o) => ({ value: o.value, label: o.textContent ?? '' })),
    );
  const found = options.find((o) => o.value === key);
  if (!found) throw new Error(`no program ${key} among ${JSON.stringify(options)}`);
  return found.label;
}
