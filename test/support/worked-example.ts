import type { ProgramTermsInput } from '../../src/core/program-terms.js';

/**
 * The terms of the worked example, shared by the core, engine and API
 * tests: last touch, 90-day window, 30 hold days; 10.00 per seller
 * activation; 20% of revenue for 12 months from the first payment, capped at
 * 500.00 per customer.
 */
export const workedExampleTerms = {
  currency: 'USD',
  attribution: { model: 'last_touch', window_days: 90 },
  hold_days: 30,
  rewards: [
    {
      id: 'seller-activation',
      event: 'activation',
      flat: '10.00',
      when: { field: 'customer.side', op: 'eq', value: 'seller' },
    },
    {
      id: 'revenue-share',
      event: 'payment',
      percent: 20,
      of: 'revenue',
      duration: { months: 12, from: 'first_payment' },
      cap_per_customer: '500.00',
    },
  ],
} satisfies ProgramTermsInput;
