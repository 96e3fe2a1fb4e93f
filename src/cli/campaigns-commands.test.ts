import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignTerms } from '../../test/support/campaign-world.js';
import { cliServer } from '../../test/support/cli-server.js';
import { backend, type TestTandem, testTandem } from '../../test/support/test-tandem.js';
import { createCampaign } from '../engine/campaigns.js';
import { fixedClock } from '../engine/deps.js';
import { createPartner } from '../engine/partners.js';
import { createProgram } from '../engine/programs.js';

describe(`tandem campaigns (${backend})`, () => {
  const clock = fixedClock(Date.parse('2026-02-01T00:00:00Z'));
  let t: TestTandem;
  let server: Awaited<ReturnType<typeof cliServer>>;
  let partnerId: string;

  beforeAll(async () => {
    t = await testTandem({ clock });
    await createProgram(t, {
      key: 'co',
      name: 'Co-marketing',
      firstVersion: { terms: campaignTerms },
    });
    partnerId = (
      await createPartner(t, {
        name: 'Acme',
        kinds: ['co_marketing'],
        status: 'approved',
        programs: ['co'],
      })
    ).id;
    await createCampaign(
      t,
      {
        program: 'co',
        code: 'spring',
        name: 'Spring webinar',
        channels: ['webinar'],
        startsAt: Date.parse('2026-03-01T00:00:00Z'),
        endsAt: Date.parse('2026-03-29T00:00:00Z'),
        holdoutBps: 1000,
        partnerIds: [partnerId],
      },
      'test',
    );
    server = await cliServer(t);
  });

  afterAll(async () => {
    await server?.close();
    await t?.close();
  });

  const tandem = (...argv: string[]) => server.tandem(...argv);

  it('lists, shows and moves a campaign along its status flow, refusing a skipped step', async () => {
    const list = await tandem('campaigns', 'list', '--status', 'proposed');
    expect(list.code, list.err).toBe(0);
    expect(list.out).toMatch(
      /SPRING\s+Spring webinar\s+proposed\s+2026-03-01\s+2026-03-29\s+1\s+10%/,
    );
    const skipped = await tandem('campaigns', 'complete', 'spring');
    expect(skipped.code).not.toBe(0);
    expect(skipped.err).toContain('invalid_campaign_transition');
    const ok = await tandem('campaigns', 'approve', 'spring', '--note', 'budget agreed');
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toBe('SPRING: approved; next: live, cancelled\n');
    const show = await tandem('campaigns', 'show', 'SPRING');
    expect(show.out).toContain(`partners: ${partnerId} (lead)`);
    expect(show.out).toContain('next: live, cancelled');
    const history = await tandem('campaigns', 'history', 'spring');
    expect(history.out).toMatch(/approved\s+\S+\s+budget agreed/);
    const report = await tandem('campaigns', 'report', 'spring');
    expect(report.code, report.err).toBe(0);
    expect(report.out).toContain('Spring webinar (SPRING): approved, window still open');
    expect(report.out).toContain('audience 0: 0 exposed, 0 held out');
    expect(report.out).toMatch(/cost: 0\.00 USD \(campaign 0\.00, MDF 0\.00\)/);
  });
});
