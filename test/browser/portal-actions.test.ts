/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserApp, browserApp, browserAvailable } from '../support/browser-app.js';

// The partner portal's actions: a technology partner submits milestone evidence and manages
// its sandbox keys; a co-marketing partner proposes a campaign. Each is checked through the API.

let w: BrowserApp;
let partners: { id: string; name: string; email: string }[];
beforeAll(async () => {
  if (!browserAvailable) return;
  w = await browserApp();
  partners = (await w.api('GET', '/v1/partners?limit=100')).json.data;
}, 120_000);
afterAll(async () => w?.close());

const partnerByEmail = (email: string) => {
  const p = partners.find((x) => x.email === email);
  if (!p) throw new Error(`the demo should have ${email}`);
  return p;
};

describe.skipIf(!browserAvailable)('partner portal actions in chromium', () => {
  it('submits evidence for a milestone and the submission is pending', async () => {
    const ledgerly = partnerByEmail('apps@ledgerly.example');
    const integrations = (await w.api('GET', `/v1/integrations?partner_id=${ledgerly.id}`)).json
      .data as { id: string; name: string }[];
    const integration = integrations[0];
    if (!integration) throw new Error('Ledgerly should have an integration');
    const { page } = await w.newPage();
    await w.signIn(page, ledgerly.email);
    await page.goto('/portal/integrations');
    const form = page.getByRole('form', { name: 'Submit evidence for review' });
    await form.waitFor();
    // Ledgerly's certification has expired: the form offers to renew it.
    expect(await form.getByLabel('Milestone').inputValue()).toBe('certification');
    await form.getByLabel('Links').fill('https://ledgerly.example/docs/marketplace');
    await form.getByLabel('Notes for the reviewer').fill('Re-certification: all flows pass.');
    await form.getByLabel('Test run id').fill('ci-4711');
    await form.getByRole('button', { name: 'Submit evidence' }).click();
    await form.getByText('Submitted: Certification review is waiting for review').waitFor();
    await page
      .getByRole('list', { name: 'Your submissions' })
      .getByText('Waiting for review')
      .first()
      .waitFor();
    await w.shot(page, 'portal-evidence-submitted');

    const subs = (await w.api('GET', `/v1/integrations/${integration.id}/submissions`)).json
      .data as { milestone: string; status: string; evidence: Record<string, unknown> }[];
    const sub = subs.find((s) => s.status === 'pending' && s.milestone === 'certification');
    expect(sub?.evidence).toEqual({
      links: ['https://ledgerly.example/docs/marketplace'],
      notes: 'Re-certification: all flows pass.',
      test_run_id: 'ci-4711',
    });

    // A second submission while the first waits is refused, in words.
    await form.getByLabel('Notes for the reviewer').fill('Again');
    await form.getByRole('button', { name: 'Submit evidence' }).click();
    await form.getByRole('alert').getByText('already has a submission waiting').waitFor();
  });

  it('creates a sandbox key shown once, lists it and revokes it', async () => {
    const ledgerly = partnerByEmail('apps@ledgerly.example');
    const { page } = await w.newPage();
    await w.signIn(page, ledgerly.email);
    await page.goto('/portal/integrations');
    const create = page.getByRole('form', { name: 'Create a sandbox key' });
    await create.getByLabel('Key name').fill('Browser CI');
    await create.getByRole('button', { name: 'Create sandbox key' }).click();
    const shown = page.getByRole('region', { name: 'New sandbox key' });
    await shown.getByText('will not be shown again').waitFor();
    const secret = await shown.getByTestId('new-sandbox-key').innerText();
    expect(secret).toMatch(/^tdm_test_p_/);
    expect(await shown.getByRole('button', { name: 'Copy the new sandbox key' }).isVisible()).toBe(
      true,
    );
    const table = page.getByRole('region', { name: 'Sandbox keys' });
    const row = table.getByRole('row', { name: /Browser CI/ });
    await row.getByText('Active').waitFor();
    await w.shot(page, 'portal-sandbox-key-created');

    await shown.getByRole('button', { name: 'I have copied it' }).click();
    expect(await page.getByText(secret).count()).toBe(0);

    await row.getByRole('button', { name: 'Revoke Browser CI' }).click();
    await row.getByRole('button', { name: 'Yes, revoke' }).click();
    await row.getByText(/^Revoked/).waitFor();
    await w.shot(page, 'portal-sandbox-key-revoked');
    const keys = (await w.api('GET', `/v1/partners/${ledgerly.id}/sandbox-keys`)).json.data as {
      name: string;
      revoked_at: string | null;
    }[];
    expect(keys.find((k) => k.name === 'Browser CI')?.revoked_at).not.toBeNull();
  });

  it('proposes a campaign that exists as proposed', async () => {
    const maker = partnerByEmail('editor@makerweekly.example');
    const { page } = await w.newPage();
    await w.signIn(page, maker.email);
    await page.goto('/portal/campaigns');
    const form = page.getByRole('form', { name: 'Propose a campaign' });
    await form.waitFor();
    // Without channels and dates the API's issues sit next to the fields.
    await form.getByLabel('Campaign name').fill('Maker holiday gift guide');
    await form.getByRole('button', { name: 'Propose campaign' }).click();
    await form.getByRole('alert').waitFor();
    await w.shot(page, 'portal-campaign-issues');

    const day = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);
    await form.getByLabel('Goal').fill('Bring makers to the marketplace for the holidays');
    await form.getByLabel('Email').check();
    await form.getByLabel('Social').check();
    await form.getByLabel('Starts on').fill(day(20));
    await form.getByLabel('Ends on').fill(day(40));
    await form.getByLabel('Target leads').fill('300');
    await form.getByRole('button', { name: 'Propose campaign' }).click();
    await form.getByText('waiting for approval').waitFor();
    await page
      .getByRole('region', { name: 'Your campaigns' })
      .getByText('Maker holiday gift guide', { exact: true })
      .waitFor();
    await w.shot(page, 'portal-campaign-proposed');

    const list = (await w.api('GET', `/v1/campaigns?partner_id=${maker.id}`)).json.data as {
      name: string;
      status: string;
      targets: Record<string, unknown> | null;
    }[];
    const c = list.find((x) => x.name === 'Maker holiday gift guide');
    expect(c?.status).toBe('proposed');
    expect(c?.targets).toEqual({ leads: 300 });
  });

  it('requests funds for a live campaign and, once approved, claims them with proof', async () => {
    const campaigns = (await w.api('GET', '/v1/campaigns?status=live')).json.data as {
      id: string;
      name: string;
      partners: { partner_id: string }[];
    }[];
    const live = campaigns[0];
    if (!live) throw new Error('the demo should have a live campaign');
    const member = partners.find((p) => p.id === live.partners[0]?.partner_id);
    if (!member?.email) throw new Error('the live campaign should have a partner with an email');
    const { page } = await w.newPage();
    await w.signIn(page, member.email);
    await page.goto('/portal/campaigns');
    const ask = page.getByRole('form', { name: 'Request funds' });
    await ask.waitFor();
    await ask.getByLabel('Campaign').selectOption({ label: live.name });
    await ask.getByLabel('Amount').fill('120.00');
    await ask.getByLabel('What the funds pay for').fill('Sponsored posts for the gift guide');
    await ask.getByRole('button', { name: 'Request funds' }).click();
    await ask.getByText('Requested.').waitFor();
    const requests = (
      await w.api('GET', `/v1/mdf/requests?partner_id=${member.id}&status=requested`)
    ).json.data as { id: string; requested: string; description: string }[];
    const mine = requests.find((r) => r.description === 'Sponsored posts for the gift guide');
    expect(mine?.requested).toBe('120.00');

    // The program team approves (through the API here); the portal then offers the claim.
    const approved = await w.api('POST', `/v1/mdf/requests/${mine?.id}/approve`, {});
    expect(approved.status, JSON.stringify(approved.json)).toBe(200);
    await page.reload();
    const claim = page.getByRole('form', { name: /^Claim funds: Sponsored posts/ });
    await claim.waitFor();
    await claim.getByLabel('Links to what ran').fill('https://social.example/posts/gift-guide');
    await claim.getByLabel('Invoices').fill('INV-2026-118');
    await claim.getByRole('button', { name: 'Claim funds' }).click();
    await expect
      .poll(async () => (await w.api('GET', `/v1/mdf/requests/${mine?.id}`)).json.status, {
        timeout: 10_000,
      })
      .toBe('claimed');
    await w.shot(page, 'portal-funds-claimed');

    // The campaign's results in words: the lift against its holdout, or why there is none yet.
    await page.getByText(`Results of ${live.name}`).click();
    const results = page.locator('.campaign-results').first();
    await results.waitFor();
    await expect.poll(() => results.innerText()).toMatch(/lift|Your part|holdout|held out/i);
    await w.shot(page, 'portal-campaign-results');
  });
});
