/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserApp, browserApp, browserAvailable } from '../support/browser-app.js';

// The console's explorers, as an analyst (read only) uses them: an event and the accrual line it
// produced, the ledger from a partner's account to a transaction that balances, and a suspended
// partner's history.

let w: BrowserApp;
beforeAll(async () => {
  if (!browserAvailable) return;
  w = await browserApp();
}, 120_000);
afterAll(async () => w?.close());

interface ApiEvent {
  id: string;
  produced: { accruals: { partner_id: string; rule_id: string }[] };
}

describe.skipIf(!browserAvailable)('the console explorers in chromium', () => {
  it('opens an event, drills the ledger to a balanced transaction, and shows a suspension', async () => {
    const partners = (await w.api('GET', '/v1/partners?q=Northwind')).json.data as {
      id: string;
      name: string;
    }[];
    const northwind = partners[0];
    if (!northwind) throw new Error('the demo should have Northwind Reviews');
    const { page } = await w.newPage();
    await w.signIn(page, 'analyst@tandem.local');
    await page.waitForURL(/\/console/);

    // 1. The events explorer, narrowed through its form to the partner's payments.
    await page.goto('/console/events');
    await page.getByRole('heading', { level: 1, name: 'Events' }).waitFor();
    await page.getByLabel('Partner').selectOption({ label: northwind.name });
    await page.getByLabel('Type').selectOption('payment');
    await page.getByRole('button', { name: 'Show events' }).click();
    await page.waitForURL(/partner=.*type=payment/);
    const events = (
      await w.api('GET', `/v1/events?partner_id=${northwind.id}&type=payment&limit=25`)
    ).json.data as ApiEvent[];
    const earning = events.find((e) =>
      e.produced.accruals.some((a) => a.partner_id === northwind.id),
    );
    if (!earning) throw new Error('a recent Northwind payment should have earned something');
    const line = earning.produced.accruals.find((a) => a.partner_id === northwind.id);
    await page.getByRole('button', { name: `Show event ${earning.id}` }).click();
    const lines = page.getByRole('region', { name: `Accrual lines of event ${earning.id}` });
    await lines.getByRole('link', { name: northwind.name }).first().waitFor();
    await expect.poll(() => lines.textContent()).toContain(line?.rule_id);
    await page.getByRole('region', { name: `Body of event ${earning.id}` }).waitFor();
    await w.shot(page, 'console-events-explorer');

    // 2. The ledger: the partner's accounts → an account's entries → a transaction.
    await page.goto('/console/ledger');
    await page.getByLabel('Partner').selectOption({ label: northwind.name });
    await page.getByRole('button', { name: 'Show accounts' }).click();
    await page.getByRole('link', { name: 'Pending (in hold)' }).first().click();
    await page.waitForURL(/account=/);
    const entries = page.getByRole('region', { name: 'Entries', exact: true });
    await entries
      .getByRole('link', { name: /^Accrual transaction/ })
      .first()
      .click();
    await page.waitForURL(/tx=/);
    await page.getByText('The entries sum to zero in every currency').waitFor();
    await w.shot(page, 'console-ledger-transaction');
    const txId = new URL(page.url()).searchParams.get('tx');
    const tx = (await w.api('GET', `/v1/ledger/transactions/${txId}`)).json as {
      entries: { amount_minor: string; currency: string }[];
    };
    expect(tx.entries.length).toBeGreaterThanOrEqual(2);
    const sums = new Map<string, bigint>();
    for (const e of tx.entries)
      sums.set(e.currency, (sums.get(e.currency) ?? 0n) + BigInt(e.amount_minor));
    expect([...sums.values()].every((s) => s === 0n)).toBe(true);
    // Back steps up the drill-down: the transaction closes, the entries stay.
    await page.goBack();
    await page.waitForURL((u) => !u.searchParams.has('tx') && u.searchParams.has('account'));
    await entries.waitFor();
    // Forward again, and from one of the transaction's accrual lines to its customer's events.
    await page.goForward();
    await page.waitForURL(/tx=/);
    await page
      .getByRole('region', { name: 'Accrual lines of the transaction' })
      .getByRole('link', { name: /events of customer/ })
      .first()
      .click();
    await page.waitForURL(/\/console\/events\?customer=/);
    await page.getByRole('region', { name: 'Events', exact: true }).waitFor();

    // 3. A suspended partner's history says so, with the reason.
    const suspended = (await w.api('GET', '/v1/partners?status=suspended')).json.data as {
      id: string;
    }[];
    if (!suspended[0]) throw new Error('the demo should have a suspended partner');
    await page.goto(`/console/partners/${suspended[0].id}`);
    const history = page.getByRole('region', { name: 'Status changes' });
    await expect
      .poll(async () => (await history.textContent())?.toLowerCase())
      .toContain('suspended');
    await w.shot(page, 'console-partner-history');
  }, 120_000);

  it('keeps the events explorer within a 375 px wide screen', async () => {
    const { page } = await w.newPage(375);
    await w.signIn(page, 'analyst@tandem.local');
    await page.goto('/console/events');
    await page.getByRole('region', { name: 'Events', exact: true }).waitFor();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await w.shot(page, 'console-events-375');
  }, 60_000);
});
