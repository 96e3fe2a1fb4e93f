import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { type ReactNode, useState } from 'react';
import { api, call } from '../../api/client';
import type { Partner } from '../../api/partners';
import { Badge } from '../../ui/badge';
import { formatDateTime, humanize } from '../../ui/format';
import { PageHeader } from '../../ui/page-header';
import { QueryView } from '../../ui/query-view';
import { Section } from '../../ui/section';
import { StatusNotice, type StatusResult } from '../status-notice';
import { useOperator } from '../use-operator';
import { PartnerAccruals } from './partner-accruals';
import { PartnerBalances } from './partner-balances';
import { PartnerCustomers } from './partner-customers';
import { PartnerHistory } from './partner-history';
import { PartnerPayouts } from './partner-payouts';
import { statusLabels, statusTones } from './partner-status';
import { PartnerTiers } from './partner-tiers';
import { PartnerTracking } from './partner-tracking';
import { StatusActions } from './status-actions';

/** `/console/partners/$partnerId`: everything about one partner. */
export function PartnerPage(): ReactNode {
  const { partnerId } = useParams({ from: '/console/partners/$partnerId' });
  const partner = useQuery({
    queryKey: ['partner', partnerId],
    queryFn: () =>
      call<Partner>(api.GET('/v1/partners/{id}', { params: { path: { id: partnerId } } })),
  });
  return (
    <>
      <p className="console-breadcrumb">
        <Link to="/console/partners">Partners</Link>
      </p>
      <QueryView query={partner} loading="Loading the partner…">
        {(p) => <PartnerBody partner={p} />}
      </QueryView>
    </>
  );
}

function PartnerBody({ partner }: { partner: Partner }) {
  const { may } = useOperator();
  const [result, setResult] = useState<StatusResult | null>(null);
  return (
    <>
      <PageHeader
        title={partner.name}
        lead={
          <>
            <Badge tone={statusTones[partner.status]}>{statusLabels[partner.status]}</Badge>{' '}
            {partner.kinds.map(humanize).join(', ')} partner
          </>
        }
      />
      <StatusNotice result={result} />
      <Section title="Profile">
        <div className="card">
          <dl className="facts">
            <dt>Email</dt>
            <dd>{partner.email ?? '—'}</dd>
            <dt>Status</dt>
            <dd>
              {statusLabels[partner.status]}
              {partner.status_reason ? ` — “${partner.status_reason}”` : null}
              <span className="muted"> (since {formatDateTime(partner.updated_at)})</span>
            </dd>
            <dt>Programs</dt>
            <dd>{partner.programs.join(', ') || 'None yet'}</dd>
            <dt>Joined</dt>
            <dd>{formatDateTime(partner.created_at)}</dd>
            <dt>Partner id</dt>
            <dd className="mono">{partner.id}</dd>
          </dl>
          {may('partners:write') ? (
            <div className="console-card-actions">
              <StatusActions partner={partner} onResult={setResult} />
            </div>
          ) : null}
        </div>
      </Section>
      <PartnerBalances partnerId={partner.id} />
      <PartnerTiers partnerId={partner.id} />
      <PartnerHistory partnerId={partner.id} />
      <PartnerTracking partnerId={partner.id} />
      <PartnerCustomers partnerId={partner.id} />
      <PartnerAccruals partnerId={partner.id} />
      <PartnerPayouts partnerId={partner.id} />
    </>
  );
}
