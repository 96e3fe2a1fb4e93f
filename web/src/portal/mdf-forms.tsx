import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Campaign, MdfPool, MdfRequest } from '../api/campaigns';
import { api, call } from '../api/client';
import { messageOf } from '../api/messages';
import { useIdempotencyKey } from '../console/use-idempotency-key';
import { Field } from '../ui/field';
import { FormCard } from '../ui/form-card';
import { formatMoney } from '../ui/format';
import { Notice } from '../ui/notice';

/** One entry per line, blanks dropped. */
const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/**
 * Asks for market development funds from a pool the partner may draw on,
 * for one of its running or planned campaigns; an operator decides.
 */
export function RequestFundsForm({ campaigns }: { campaigns: Campaign[] }) {
  const client = useQueryClient();
  const idem = useIdempotencyKey();
  const pools = useQuery({
    queryKey: ['portal', 'mdf-pools'],
    queryFn: () => call<{ data: MdfPool[] }>(api.GET('/v1/mdf/pools')).then((r) => r.data),
  });
  const open = campaigns.filter((c) => !['rejected', 'cancelled', 'reported'].includes(c.status));
  const [pool, setPool] = useState('');
  const [campaign, setCampaign] = useState('');
  const [amount, setAmount] = useState('');
  const [description, setDescription] = useState('');
  const chosenPool = pool || pools.data?.[0]?.id || '';
  const chosenCampaign = campaign || open[0]?.id || '';
  const request = useMutation({
    mutationFn: () =>
      call<MdfRequest>(
        api.POST('/v1/mdf/requests', {
          headers: { 'Idempotency-Key': idem.current() },
          body: {
            pool_id: chosenPool,
            campaign_id: chosenCampaign,
            amount: amount.trim(),
            description: description.trim(),
          },
        }),
      ),
    onSuccess: async () => {
      idem.settle();
      setAmount('');
      setDescription('');
      await client.invalidateQueries({ queryKey: ['portal', 'mdf-requests'] });
      await client.invalidateQueries({ queryKey: ['portal', 'mdf-pools'] });
    },
    onError: (error) => idem.settle(error),
  });
  if (pools.isSuccess && pools.data.length === 0)
    return <p className="muted">No fund pool is open to you this quarter.</p>;
  if (open.length === 0)
    return <p className="muted">Propose a campaign first: funds are requested for a campaign.</p>;
  return (
    <FormCard
      title="Request funds"
      onSubmit={() => {
        if (idem.begin()) request.mutate();
      }}
    >
      <Field label="Fund pool">
        {(p) => (
          <select {...p} value={chosenPool} onChange={(e) => setPool(e.target.value)}>
            {(pools.data ?? []).map((x) => (
              <option key={x.id} value={x.id}>
                {x.quarter}: {formatMoney(x.remaining, x.currency)} left
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Campaign">
        {(p) => (
          <select {...p} value={chosenCampaign} onChange={(e) => setCampaign(e.target.value)}>
            {open.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Amount" hint="In the pool's currency, e.g. 1500.00.">
        {(p) => (
          <input
            {...p}
            required
            inputMode="decimal"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
          />
        )}
      </Field>
      <Field label="What the funds pay for">
        {(p) => (
          <textarea
            {...p}
            required
            rows={3}
            maxLength={2000}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
        )}
      </Field>
      <div className="actions">
        <button type="submit" className="primary" disabled={request.isPending}>
          {request.isPending ? 'Sending…' : 'Request funds'}
        </button>
      </div>
      {request.isSuccess ? (
        <Notice tone="ok">Requested. The program team decides; you can follow it below.</Notice>
      ) : null}
      {request.isError ? <Notice tone="error">{messageOf(request.error)}</Notice> : null}
    </FormCard>
  );
}

/**
 * Claims approved funds with proof of what was done (links, invoices,
 * results), at most the approved amount and before the claim deadline.
 */
export function ClaimFundsForm({ request }: { request: MdfRequest }) {
  const client = useQueryClient();
  const idem = useIdempotencyKey();
  const [amount, setAmount] = useState(request.approved ?? '');
  const [links, setLinks] = useState('');
  const [invoices, setInvoices] = useState('');
  const [results, setResults] = useState('');
  const claim = useMutation({
    mutationFn: () =>
      call<MdfRequest>(
        api.POST('/v1/mdf/requests/{id}/claim', {
          params: { path: { id: request.id } },
          headers: { 'Idempotency-Key': idem.current() },
          body: {
            amount: amount.trim(),
            proof: {
              links: lines(links),
              invoices: lines(invoices),
              ...(results.trim() ? { results: results.trim() } : {}),
            },
          },
        }),
      ),
    onSuccess: async () => {
      idem.settle();
      await client.invalidateQueries({ queryKey: ['portal', 'mdf-requests'] });
    },
    onError: (error) => idem.settle(error),
  });
  return (
    <FormCard
      title={`Claim funds: ${request.description.slice(0, 60)}`}
      onSubmit={() => {
        if (idem.begin()) claim.mutate();
      }}
    >
      <Field
        label="Amount spent"
        hint={`At most ${formatMoney(request.approved ?? '0', request.currency)}.`}
      >
        {(p) => (
          <input
            {...p}
            required
            inputMode="decimal"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
          />
        )}
      </Field>
      <Field label="Links to what ran" hint="One per line: landing pages, posts, recordings.">
        {(p) => (
          <textarea {...p} rows={3} value={links} onChange={(e) => setLinks(e.target.value)} />
        )}
      </Field>
      <Field label="Invoices" hint="One per line: invoice numbers or links.">
        {(p) => (
          <textarea
            {...p}
            rows={2}
            value={invoices}
            onChange={(e) => setInvoices(e.target.value)}
          />
        )}
      </Field>
      <Field label="Results" hint="Optional: what the campaign achieved.">
        {(p) => (
          <textarea {...p} rows={2} value={results} onChange={(e) => setResults(e.target.value)} />
        )}
      </Field>
      <div className="actions">
        <button type="submit" className="primary" disabled={claim.isPending}>
          {claim.isPending ? 'Sending…' : 'Claim funds'}
        </button>
      </div>
      {claim.isError ? <Notice tone="error">{messageOf(claim.error)}</Notice> : null}
    </FormCard>
  );
}
