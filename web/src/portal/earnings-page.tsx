import { useState } from 'react';
import type { Accrual } from '../api/accruals';
import { Badge } from '../ui/badge';
import { DataTable } from '../ui/data-table';
import { formatDate, formatDateTime, humanize } from '../ui/format';
import { Money } from '../ui/money';
import { PageHeader } from '../ui/page-header';
import { EmptyState, ErrorNotice, Loading } from '../ui/states';
import { AccrualStatus } from './accrual-status';
import { type AccrualExplanation, explainAccrual } from './explain-accrual';
import { useAccruals } from './use-accruals';
import { usePartnerId } from './use-partner-id';
import { programNames, usePartnerPrograms } from './use-programs';

const PAGE_SIZE = 25;

/** The row a reversal's link points at: the original reward, found by its key. */
const anchorOf = (key: string) => `reward-${key}`;

function Calculation({ accrual, e }: { accrual: Accrual; e: AccrualExplanation }) {
  const t = accrual.trace ?? {};
  const steps = Array.isArray(t.steps) ? t.steps : [];
  return (
    <details>
      <summary className="small">How it was calculated</summary>
      {steps.length > 0 ? (
        <ol className="small">
          {steps.map((s) => (
            <li key={s}>{s}</li>
          ))}
        </ol>
      ) : null}
      <dl className="facts small">
        <dt>Program</dt>
        <dd>{e.program}</dd>
        <dt>Rule</dt>
        <dd>{e.rule}</dd>
        {e.event ? (
          <>
            <dt>Event</dt>
            <dd>
              {e.event}
              {t.event?.occurred_at ? `, ${formatDateTime(t.event.occurred_at)}` : ''}
            </dd>
          </>
        ) : null}
        {accrual.customer_id ? (
          <>
            <dt>Customer</dt>
            <dd className="mono">{accrual.customer_id}</dd>
          </>
        ) : null}
        {t.tier ? (
          <>
            <dt>Your tier then</dt>
            <dd>{humanize(t.tier)}</dd>
          </>
        ) : null}
        {t.inputs
          ? Object.entries(t.inputs).map(([k, v]) => (
              <div key={k} style={{ display: 'contents' }}>
                <dt>{humanize(k)}</dt>
                <dd>{v}</dd>
              </div>
            ))
          : null}
        <dt>Hold</dt>
        <dd>
          {t.hold_days ?? 0} days, available from {formatDate(accrual.available_at)}
        </dd>
      </dl>
    </details>
  );
}

function EarningRow({
  accrual,
  e,
  originOnPage,
  reversedBy,
}: {
  accrual: Accrual;
  e: AccrualExplanation;
  originOnPage: boolean;
  reversedBy: Accrual[];
}) {
  // The first line of a reward carries the anchor that its reversals link to.
  const isOrigin = accrual.kind === 'accrual';
  return (
    <tr id={isOrigin ? anchorOf(accrual.key) : `line-${accrual.id}`}>
      <td data-label="Date" style={{ whiteSpace: 'nowrap' }}>
        {formatDate(accrual.occurred_at)}
      </td>
      <td>
        <p style={{ margin: 0 }}>
          <Badge tone={accrual.kind === 'accrual' ? 'info' : 'neutral'}>{e.label}</Badge>{' '}
          {e.sentence}
        </p>
        {e.reverses ? (
          <p className="small" style={{ margin: 'var(--space-1) 0 0' }}>
            {originOnPage ? (
              <a href={`#${anchorOf(e.reverses)}`}>Go to the reward this takes back</a>
            ) : (
              <span className="muted">The reward it takes back is on an older page.</span>
            )}
          </p>
        ) : null}
        {reversedBy.length > 0 ? (
          <p className="small" style={{ margin: 'var(--space-1) 0 0' }}>
            Taken back in part or in full:{' '}
            {reversedBy.map((r, i) => (
              <span key={r.id}>
                {i > 0 ? ', ' : ''}
                <a href={`#line-${r.id}`}>
                  <Money amount={r.amount} currency={r.currency} /> on {formatDate(r.occurred_at)}
                </a>
              </span>
            ))}
          </p>
        ) : null}
        <Calculation accrual={accrual} e={e} />
      </td>
      <td className="num" data-label="Amount">
        <Money amount={accrual.amount} currency={accrual.currency} />
      </td>
      <td data-label="Status">
        <AccrualStatus accrual={accrual} />
      </td>
    </tr>
  );
}

/**
 * /portal/earnings: every reward, reversal and recalculation, newest first,
 * each with the reason in words and the calculation behind it; a reversal
 * links to the reward it takes back.
 */
export function EarningsPage() {
  const partnerId = usePartnerId();
  // Cursors of the pages seen so far: the first page has none.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const before = cursors[cursors.length - 1];
  const accruals = useAccruals(partnerId, { limit: PAGE_SIZE, before });
  const programs = usePartnerPrograms(partnerId);
  const names = programNames(programs.data);

  const lines = accruals.data?.data ?? [];
  const originKeys = new Set(lines.filter((a) => a.kind === 'accrual').map((a) => a.key));
  const reversals = new Map<string, Accrual[]>();
  for (const a of lines) {
    const key = a.trace?.reverses;
    if (key) reversals.set(key, [...(reversals.get(key) ?? []), a]);
  }

  return (
    <>
      <PageHeader
        title="Earnings"
        lead="Every reward you earned, why you earned it and where it stands. Refunds take back their share of a reward; recalculations adjust one when your tier or the terms change it."
      />
      {accruals.isPending ? <Loading label="Loading your earnings…" /> : null}
      {accruals.isError ? (
        <ErrorNotice error={accruals.error} retry={() => accruals.refetch()} />
      ) : null}
      {accruals.data && lines.length === 0 && cursors.length === 1 ? (
        <EmptyState title="No earnings yet">
          <p>When a customer you referred signs up, activates or pays, the reward appears here.</p>
        </EmptyState>
      ) : null}
      {lines.length > 0 ? (
        <DataTable
          label="Earnings"
          className="stack-table"
          caption={`Earnings, newest first, page ${cursors.length}`}
          columns={['Date', 'Why', { label: 'Amount', numeric: true }, 'Status']}
        >
          {lines.map((a) => (
            <EarningRow
              key={a.id}
              accrual={a}
              e={explainAccrual(a, names)}
              originOnPage={a.trace?.reverses ? originKeys.has(a.trace.reverses) : false}
              reversedBy={a.kind === 'accrual' ? (reversals.get(a.key) ?? []) : []}
            />
          ))}
        </DataTable>
      ) : null}
      <nav className="actions section" aria-label="Earnings pages">
        <button
          type="button"
          disabled={cursors.length === 1}
          onClick={() => setCursors(cursors.slice(0, -1))}
        >
          Newer
        </button>
        <span className="small muted">Page {cursors.length}</span>
        <button
          type="button"
          disabled={!accruals.data?.next_cursor || accruals.isPlaceholderData}
          onClick={() => {
            const next = accruals.data?.next_cursor;
            if (next) setCursors([...cursors, next]);
          }}
        >
          Older
        </button>
      </nav>
    </>
  );
}
