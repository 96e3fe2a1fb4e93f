import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliServer } from '../../test/support/cli-server.js';
import { integrationTerms } from '../../test/support/integration-world.js';
import { backend, type TestTandem, testTandem } from '../../test/support/test-tandem.js';
import { fixedClock } from '../engine/deps.js';
import { deriveAll } from '../engine/derive-dirty-units.js';
import { ingestEvents } from '../engine/ingest-events.js';
import { submitEvidence } from '../engine/integration-reviews.js';
import { registerIntegration } from '../engine/integrations.js';
import { createPartner } from '../engine/partners.js';
import { createProgram } from '../engine/programs.js';

describe(`tandem integrations and tandem credits (${backend})`, () => {
  const clock = fixedClock(Date.parse('2026-03-01T00:00:00Z'));
  let t: TestTandem;
  let server: Awaited<ReturnType<typeof cliServer>>;
  let partnerId: string;
  let integrationId: string;
  let submissionId: string;

  beforeAll(async () => {
    t = await testTandem({ clock });
    await createProgram(t, {
      key: 'int',
      name: 'Integrations',
      firstVersion: { terms: integrationTerms },
    });
    partnerId = (
      await createPartner(t, {
        name: 'Acme',
        kinds: ['integration'],
        status: 'approved',
        programs: ['int'],
      })
    ).id;
    integrationId = (
      await registerIntegration(t, {
        partnerId,
        program: 'int',
        name: 'Acme Sync',
        category: 'crm',
      })
    ).id;
    await ingestEvents(t, [
      {
        id: 'a',
        type: 'integration.milestone',
        occurred_at: '2026-03-01T00:00:00Z',
        integration_id: integrationId,
        milestone: 'authentication',
      },
      {
        id: 'b',
        type: 'integration.milestone',
        occurred_at: '2026-03-01T00:00:00Z',
        integration_id: integrationId,
        milestone: 'data_mapping',
      },
    ]);
    submissionId = (
      await submitEvidence(
        t,
        { integrationId, milestone: 'automated_testing', evidence: { test_run_id: 'ci-42' } },
        'cli',
      )
    ).id;
    await deriveAll(t);
    server = await cliServer(t);
  });

  afterAll(async () => {
    await server?.close();
    await t?.close();
  });

  const tandem = (...argv: string[]) => server.tandem(...argv);

  it('lists integrations, shows the checklist, and reviews the queue', async () => {
    const list = await tandem('integrations', 'list', '--partner', partnerId);
    expect(list.code, list.err).toBe(0);
    expect(list.out).toMatch(
      new RegExp(`${integrationId}\\s+${partnerId}\\s+Acme Sync\\s+crm\\s+active`),
    );
    const queue = await tandem('integrations', 'queue');
    expect(queue.out).toMatch(
      new RegExp(`${submissionId}\\s+${integrationId}\\s+automated_testing.*ci-42`),
    );
    const noComment = await tandem('integrations', 'reject', submissionId);
    expect(noComment.code).not.toBe(0);
    expect(noComment.err).toContain('validation_failed');
    const ok = await tandem('integrations', 'approve', submissionId, '--comment', 'green');
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toContain(`${submissionId}: approved (automated_testing)`);
    const show = await tandem('integrations', 'show', integrationId);
    expect(show.out).toMatch(/automated_testing\s+completed\s+2026-03-01\s+review/);
    expect(show.out).toMatch(/certification\s+available/);
    expect(show.out).toContain('certification: none');
    expect(show.out).toContain('certified needs: milestone certification');
  });

  it('shows credits and redeems them, never more than held', async () => {
    const show = await tandem('credits', 'show', partnerId);
    expect(show.out).toMatch(/SUPPORT_CREDIT\s+20\s+0\s+20/);
    const r = await tandem(
      'credits',
      'redeem',
      partnerId,
      '--asset',
      'SUPPORT_CREDIT',
      '--amount',
      '5',
      '--idempotency-key',
      'k-1',
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^crd_\S+: 5 SUPPORT_CREDIT redeemed, 15 left/);
    // The same idempotency key replays the answer and spends nothing more.
    const again = await tandem(
      'credits',
      'redeem',
      partnerId,
      '--asset',
      'SUPPORT_CREDIT',
      '--amount',
      '5',
      '--idempotency-key',
      'k-1',
    );
    expect(again.out).toContain('15 left');
    const over = await tandem(
      'credits',
      'redeem',
      partnerId,
      '--asset',
      'SUPPORT_CREDIT',
      '--amount',
      '16',
    );
    expect(over.code).not.toBe(0);
    expect(over.err).toContain('insufficient_credits');
    expect((await tandem('credits', 'show', partnerId)).out).toMatch(
      /SUPPORT_CREDIT\s+20\s+5\s+15/,
    );
  });
});
