import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { CampaignReport } from '../../api/campaign-reports';
import type { Campaign } from '../../api/campaigns';
import { api, call } from '../../api/client';
import { messageOf } from '../../api/messages';
import { DataTable } from '../../ui/data-table';
import { Field } from '../../ui/field';
import { FormCard } from '../../ui/form-card';
import { formatNumber } from '../../ui/format';
import { LiftSummary } from '../../ui/lift-summary';
import { Money } from '../../ui/money';
import { Notice } from '../../ui/notice';
import { QueryFallback } from '../../ui/query-view';
import { PartnerLink } from '../partners/partner-link';
import { useIdempotencyKey } from '../use-idempotency-key';
import { useOperator } from '../use-operator';
import { usePartnerNames } from '../use-partner-names';

/**
 * A campaign's report for the operator: lift, targets, cost and efficiency,
 * every partner's figures, and (once it is completed) publishing the report
 * with a case study to the partner network.
 */
export function CampaignReportPanel({ campaign }: { campaign: Campaign }) {
  const report = useQuery({
    queryKey: ['campaign-report', campaign.id],
    queryFn: () =>
      call<CampaignReport>(
        api.GET('/v1/campaigns/{id}/report', { params: { path: { id: campaign.id } } }),
      ),
  });
  const { may } = useOperator();
  const partnerName = usePartnerNames();
  if (!report.isSuccess) return <QueryFallback query={report} loading="Measuring the campaign…" />;
  const r = report.data;
  return (
    <div className="campaign-results">
      <LiftSummary report={r} />
      <p>
        Cost <Money amount={r.cost.total} currency={r.currency} /> (MDF reimbursed{' '}
        <Money amount={r.cost.mdf_reimbursed} currency={r.currency} />, bonuses posted{' '}
        <Money amount={r.bonuses_posted} currency={r.currency} />
        ); per activation{' '}
        {r.cost_per_activation ? (
          <Money amount={r.cost_per_activation} currency={r.currency} />
        ) : (
          '—'
        )}
        , per incremental activation{' '}
        {r.cost_per_incremental_activation ? (
          <Money amount={r.cost_per_incremental_activation} currency={r.currency} />
        ) : (
          '—'
        )}
        .
      </p>
      {r.partners?.length ? (
        <DataTable
          label={`Partners of ${campaign.name}`}
          columns={[
            'Partner',
            'Role',
            { label: 'Customers', numeric: true },
            { label: 'Activations', numeric: true },
            { label: 'Incremental', numeric: true },
            { label: 'Bonuses', numeric: true },
          ]}
        >
          {r.partners.map((p) => (
            <tr key={p.partner_id}>
              <td>
                <PartnerLink id={p.partner_id}>{partnerName(p.partner_id)}</PartnerLink>
              </td>
              <td>{p.role}</td>
              <td className="num">{formatNumber(p.customers)}</td>
              <td className="num">{formatNumber(p.activations)}</td>
              <td className="num">
                {p.incremental_activations === null ? '—' : formatNumber(p.incremental_activations)}
              </td>
              <td className="num">
                <Money amount={p.bonuses_posted} currency={r.currency} />
              </td>
            </tr>
          ))}
        </DataTable>
      ) : null}
      {['completed', 'reported'].includes(campaign.status) && may('campaigns:write') ? (
        <PublishReportForm campaign={campaign} />
      ) : null}
    </div>
  );
}

/** Publishes the report, frozen, with a case study in Markdown, to every partner. */
function PublishReportForm({ campaign }: { campaign: Campaign }) {
  const client = useQueryClient();
  const idem = useIdempotencyKey();
  const [title, setTitle] = useState(`${campaign.name}: results`);
  const [body, setBody] = useState('');
  const publish = useMutation({
    mutationFn: () =>
      call<unknown>(
        api.POST('/v1/campaigns/{id}/reports', {
          params: { path: { id: campaign.id } },
          headers: { 'Idempotency-Key': idem.current() },
          body: { title: title.trim(), body },
        }),
      ),
    onSuccess: async () => {
      idem.settle();
      await client.invalidateQueries({ queryKey: ['campaigns'] });
    },
    onError: (error) => idem.settle(error),
  });
  return (
    <FormCard
      title={`Publish the report of ${campaign.name}`}
      onSubmit={() => {
        if (idem.begin()) publish.mutate();
      }}
    >
      <Field label="Title">
        {(p) => (
          <input
            {...p}
            required
            maxLength={200}
            value={title}
            onChange={(e) => setTitle(e.target.value)}
          />
        )}
      </Field>
      <Field label="Case study (Markdown)" hint="What worked, for the rest of the partner network.">
        {(p) => (
          <textarea
            {...p}
            required
            rows={5}
            value={body}
            onChange={(e) => setBody(e.target.value)}
          />
        )}
      </Field>
      <div className="actions">
        <button type="submit" className="primary" disabled={publish.isPending}>
          {publish.isPending ? 'Publishing…' : 'Publish report'}
        </button>
      </div>
      {publish.isSuccess ? <Notice tone="ok">Published to the partner network.</Notice> : null}
      {publish.isError ? <Notice tone="error">{messageOf(publish.error)}</Notice> : null}
    </FormCard>
  );
}
