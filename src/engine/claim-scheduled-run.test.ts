import { afterEach, describe, expect, it } from 'vitest';
import { backend, type TestTandem, testTandem } from '../../test/support/test-tandem.js';
import { claimScheduledRun } from './claim-scheduled-run.js';

describe(`scheduled runs (${backend})`, () => {
  let t: TestTandem;
  afterEach(async () => t?.close());

  it('claims a job once per interval, even when callers race', async () => {
    t = await testTandem({ now: '2026-05-01T00:00:00Z' });
    const hour = 3_600_000;
    const race = await Promise.all([1, 2, 3, 4].map(() => claimScheduledRun(t, 'tiers', hour)));
    expect(race.filter(Boolean)).toHaveLength(1);
    t.clock.advance(hour - 1);
    expect(await claimScheduledRun(t, 'tiers', hour)).toBe(false);
    t.clock.advance(1);
    expect(await claimScheduledRun(t, 'tiers', hour)).toBe(true);
    expect(await claimScheduledRun(t, 'other', hour)).toBe(true);
  });
});
