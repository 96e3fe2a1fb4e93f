import { describe, expect, it } from 'vitest';
import { diffTerms } from './diff-terms.js';
import { parseTerms } from './program-terms.js';

const terms = (integrations?: object) =>
  parseTerms({ currency: 'USD', rewards: [], ...(integrations ? { integrations } : {}) });

describe('integration terms between versions', () => {
  it('says what changed, item by item, in plain terms', () => {
    const before = terms({
      grants: [{ id: 'auth', on: 'authentication', flat: '100.00' }],
      usage: [{ id: 'installs', per: 'active_install', flat: '2.00' }],
    });
    const after = terms({
      milestones: [
        { id: 'authentication' },
        { id: 'data_mapping' },
        { id: 'automated_testing' },
        { id: 'security_review', completed_by: 'review' },
        { id: 'certification' },
      ],
      grants: [
        { id: 'auth', on: 'authentication', flat: '150.00' },
        { id: 'credits', on: 'path', credits: { asset: 'SUPPORT_CREDIT', amount: 50 } },
      ],
      usage: [
        {
          id: 'calls',
          per: 'unit',
          metric: 'api_calls',
          rates: [{ up_to: 1000, each: '0.01' }, { each: '0.005' }],
          cap_per_month: '500.00',
        },
      ],
      certification: {
        levels: [
          {
            id: 'certified',
            requires: { milestones: ['certification'], uptime_at_least: 99.5 },
            valid_days: 365,
            entitlements: ['listing'],
          },
        ],
      },
    });
    expect(diffTerms(before, after).map((c) => c.summary)).toEqual([
      'Milestone path now authentication → data_mapping → automated_testing → security_review → certification (was authentication → data_mapping → automated_testing → certification)',
      'Milestone "security_review" added: completed by a review',
      'Integration grant "auth": 100.00 USD when authentication completes → 150.00 USD when authentication completes',
      'Integration grant "credits" added: 50 SUPPORT_CREDIT when the whole path completes',
      'Usage reward "installs" removed',
      'Usage reward "calls" added: graduated bands 0.01 up to 1000, 0.005 above per api_calls, capped at 500.00 USD a month',
      'Certification level "certified" added: milestone certification, uptime ≥ 99.5%; valid 365 days; entitles listing',
    ]);
  });

  it('treats a version without integrations as the default path with no rewards', () => {
    expect(diffTerms(terms(), terms({}))).toEqual([]);
  });
});
