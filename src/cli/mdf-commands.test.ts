import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignTerms } from '../../test/support/campaign-world.js';
import { cliServer } from '../../test/support/cli-server.js';
import { backend, type TestTandem, testTandem } from '../../test/support/test-tandem.js';
import { createCampaign } from '../engine/campaigns.js';
import { createMdfPool } from '../engine/create-mdf-pool.js';
import { createMdfRequest } from '../engine/create-mdf-request.js';
import { fixedClock } from '../engine/deps.js';
import { createPartner } from '../engine/partners.js';
import { createProgram } from '../engine/programs.js';

describe(`tandem mdf (${backend})`, () => {
  const clock = fixedClock(Date.parse('2026-02-01T00:00:00Z'));
  let t: TestTandem;
  let server: Awaited<ReturnType<typeof cliServer>>;
  let poolId: string;
  let requestId: string;

  beforeAll(async () => {
    t = await testTandem({ clock });
    await createProgram(t, { key: 'co', name: 'Co', firstVersion: { terms: campaignTerms } });
    const partnerId = (
      await createPartner(t, {
        name: 'Acme',
        kinds: ['co_marketing'],
        status: 'approved',
        programs: ['co'],
      })
    ).id;
    const campaign = await createCampaign(
      t,
      {
        program: 'co',
        code: 'spring',
        name: 'Spring webinar',
        channels: ['webinar'],
        startsAt: Date.parse('2026-03-01T00:00:00Z'),
        endsAt: Date.parse('2026-03-29T00:00:00Z'),
        partnerIds: [partnerId],
      },
      'test',
    );
    poolId = (
      await createMdfPool(
        t,
        { program: 'co', quarter: '2026-Q1', scope: 'program', amount: '1000.00' },
        'test',
      )
    ).id;
    requestId = (
      await createMdfRequest(
        t,
        { poolId, campaignId: campaign.id, partnerId, amount: '600.00', description: 'ads' },
        partnerId,
        { asPartner: true },
      )
    ).id;
    server = await cliServer(t);
  });

  afterAll(async () => {
    await server?.close();
    await t?.close();
  });

  const tandem = (...argv: string[]) => server.tandem(...argv);

  it('shows pools and the queue, approves in part, and refuses a rejection without a reason', async () => {
    const queue = await tandem('mdf', 'requests', '--status', 'requested');
    expect(queue.code, queue.err).toBe(0);
    expect(queue.out).toMatch(new RegExp(`${requestId}\\s+\\S+\\s+\\S+\\s+requested\\s+600\\.00`));
    const noReason = await tandem('mdf', 'reject', requestId);
    expect(noReason.code).not.toBe(0);
    expect(noReason.err).toContain('validation_failed');
    const ok = await tandem(
      'mdf',
      'approve',
      requestId,
      '--amount',
      '450.00',
      '--note',
      'ads capped',
    );
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toBe(`${requestId}: approved 450.00 USD\n`);
    const again = await tandem('mdf', 'approve', requestId);
    expect(again.err).toContain('invalid_mdf_transition');
    const pools = await tandem('mdf', 'pools');
    expect(pools.out).toMatch(
      new RegExp(
        `${poolId}\\s+2026-Q1\\s+program\\s+1000\\.00\\s+450\\.00\\s+0\\.00\\s+550\\.00\\s+USD`,
      ),
    );
  });
});
