import { useQuery } from '@tanstack/react-query';
import { ApiError, api, call } from '../api/client';
import type {
  Payout,
  PayoutOutlook,
  PayoutProfile,
  PayoutStatus,
  StatementPeriod,
} from '../api/payouts';
import type { Program } from '../api/programs';
import { Badge, type Tone } from '../ui/badge';
import { DataTable } from '../ui/data-table';
import { formatDate, formatMoney, humanize } from '../ui/format';
import { Money } from '../ui/money';
import { Notice } from '../ui/notice';
import { PageHeader } from '../ui/page-header';
import { QueryFallback, QueryView } from '../ui/query-view';
import { Section } from '../ui/section';
import { EmptyState } from '../ui/states';
import { usePartnerId } from './use-partner-id';
import { usePartnerPrograms } from './use-programs';

const statusTone: Record<PayoutStatus, Tone> = {
  pending: 'neutral',
  approved: 'info',
  sending: 'info',
  sent: 'info',
  settled: 'ok',
  failed: 'danger',
  canceled: 'neutral',
};

const statusWords: Record<PayoutStatus, string> = {
  pending: 'Waiting for approval',
  approved: 'Approved',
  sending: 'Sending',
  sent: 'Sent',
  settled: 'Paid',
  failed: 'Failed',
  canceled: 'Canceled',
};

const railNames: Record<string, string> = {
  stripe: 'Stripe',
  paypal: 'PayPal',
  wise: 'Wise (bank transfer)',
  csv: 'Bank transfer',
  manual: 'Paid by hand',
};

const taxFormNames: Record<string, string> = {
  w9: 'W-9',
  w8ben: 'W-8BEN',
  w8bene: 'W-8BEN-E',
  other: 'Other form',
  none: 'None',
};

/** "2026-11" → "November 2026"; other period keys stay as they are. */
function periodName(period: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(period);
  if (!m) return period;
  return new Date(Number(m[1]), Number(m[2]) - 1, 1).toLocaleDateString(undefined, {
    month: 'long',
    year: 'numeric',
  });
}

function Outlook({ partnerId, programs }: { partnerId: string; programs: Program[] }) {
  const outlook = useQuery({
    queryKey: ['portal', 'payout-outlook', partnerId],
    queryFn: () =>
      call<{ data: PayoutOutlook[] }>(
        api.GET('/v1/partners/{id}/payout-outlook', { params: { path: { id: partnerId } } }),
      ).then((r) => r.data),
  });
  if (!outlook.isSuccess) {
    return <QueryFallback query={outlook} loading="Loading your next payout…" />;
  }
  if (outlook.data.length === 0) {
    return <p className="muted">You are not in a program that pays out yet.</p>;
  }
  return (
    <div className="grid">
      {outlook.data.map((o) => (
        <div className="card" key={o.program_id}>
          <h3>{programs.find((p) => p.id === o.program_id)?.name ?? o.program_key}</h3>
          <p>
            Next payout run: <strong>{formatDate(o.next_run_due_at)}</strong>, for{' '}
            {periodName(o.next_period)}.
          </p>
          {o.would_pay ? (
            <p>
              It would pay you{' '}
              <strong>
                <Money amount={o.would_pay.amount} currency={o.would_pay.currency} />
              </strong>{' '}
              at today’s balance and rates.
            </p>
          ) : (
            <p>It would not pay you now: {o.held?.detail ?? 'nothing is available yet'}.</p>
          )}
          <p className="small muted">
            Minimum payout {formatMoney(o.minimum, o.minimum_currency)}; paid in {o.payout_currency}
            .
          </p>
        </div>
      ))}
    </div>
  );
}

function History({ partnerId, programs }: { partnerId: string; programs: Program[] }) {
  const payouts = useQuery({
    queryKey: ['portal', 'payouts', partnerId],
    queryFn: () =>
      call<{ data: Payout[] }>(
        api.GET('/v1/partners/{id}/payouts', {
          params: { path: { id: partnerId }, query: { limit: 200 } },
        }),
      ).then((r) => r.data),
  });
  if (!payouts.isSuccess) return <QueryFallback query={payouts} loading="Loading your payouts…" />;
  if (payouts.data.length === 0) {
    return (
      <EmptyState title="No payouts yet">
        <p>Once your earnings are available and above the minimum, a payout run pays them.</p>
      </EmptyState>
    );
  }
  return (
    <DataTable
      label="Payout history"
      className="stack-table"
      columns={[
        'Date',
        { label: 'Amount', numeric: true },
        'Status',
        'Program',
        'Method',
        'Details',
      ]}
    >
      {payouts.data.map((p) => (
        <tr key={p.id}>
          <td data-label="Date" style={{ whiteSpace: 'nowrap' }}>
            {formatDate(p.created_at)}
          </td>
          <td data-label="Amount" className="num">
            <Money amount={p.amount} currency={p.currency} />
          </td>
          <td data-label="Status">
            <Badge tone={statusTone[p.status] ?? 'neutral'}>
              {statusWords[p.status] ?? humanize(p.status)}
            </Badge>
          </td>
          <td data-label="Program">
            {programs.find((x) => x.id === p.program_id)?.name ?? p.program_id}
          </td>
          <td data-label="Method">{railNames[p.rail] ?? humanize(p.rail)}</td>
          <td data-label="Details" className="small">
            {p.failure_reason ? <span>{p.failure_reason}. </span> : null}
            {p.reference ? (
              <span>
                Reference <code>{p.reference}</code>.{' '}
              </span>
            ) : null}
            {p.sources
              .filter((s) => s.rate)
              .map((s) => (
                <span key={s.currency}>
                  From {formatMoney(s.amount, s.currency)} at {s.rate?.pair} {s.rate?.rate}.{' '}
                </span>
              ))}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

function ProgramStatements({ partnerId, program }: { partnerId: string; program: Program }) {
  const statements = useQuery({
    queryKey: ['portal', 'statements', partnerId, program.key],
    queryFn: () =>
      call<{ data: StatementPeriod[] }>(
        api.GET('/v1/partners/{id}/statements', {
          params: { path: { id: partnerId }, query: { program: program.key } },
        }),
      ).then((r) => r.data),
  });
  return (
    <div className="card">
      <h3>{program.name}</h3>
      <QueryView
        query={statements}
        loading="Loading statements…"
        empty={
          <p className="muted">No statements yet: the first appears after your first earnings.</p>
        }
      >
        {(list) => (
          <ul className="statement-list">
            {list.map((s) => (
              <li key={s.period}>
                <span>{periodName(s.period)}</span>{' '}
                <a href={s.html} target="_blank" rel="noopener">
                  View
                  <span className="visually-hidden"> statement for {periodName(s.period)}</span>
                </a>{' '}
                ·{' '}
                <a href={s.csv} download>
                  Download CSV
                  <span className="visually-hidden"> for {periodName(s.period)}</span>
                </a>
              </li>
            ))}
          </ul>
        )}
      </QueryView>
    </div>
  );
}

function Profile({ partnerId }: { partnerId: string }) {
  const profile = useQuery({
    queryKey: ['portal', 'payout-profile', partnerId],
    queryFn: async (): Promise<PayoutProfile | null> => {
      try {
        return await call<PayoutProfile>(
          api.GET('/v1/partners/{id}/payout-profile', { params: { path: { id: partnerId } } }),
        );
      } catch (e) {
        // No profile yet is a state to explain, not an error.
        if (e instanceof ApiError && e.status === 404 && e.code === 'not_found') return null;
        throw e;
      }
    },
  });
  if (!profile.isSuccess) {
    return <QueryFallback query={profile} loading="Loading your payout details…" />;
  }
  const p = profile.data;
  if (!p) {
    return (
      <EmptyState title="No payout method yet">
        <p>
          Until you have one, your earnings wait in your balance. Ask your program manager how to
          add your payout details.
        </p>
      </EmptyState>
    );
  }
  return (
    <div className="card">
      {p.missing.length > 0 ? (
        <Notice tone="warn">
          Payouts are on hold until these are added: {p.missing.map(humanize).join(', ')}.
        </Notice>
      ) : null}
      <dl className="facts">
        <dt>Method</dt>
        <dd>{railNames[p.rail] ?? humanize(p.rail)}</dd>
        {Object.entries(p.details).map(([k, v]) => (
          <div key={k} style={{ display: 'contents' }}>
            <dt>{humanize(k)}</dt>
            <dd className="mono">{v}</dd>
          </div>
        ))}
        <dt>Paid in</dt>
        <dd>{p.currency ?? 'The program’s currency'}</dd>
        <dt>Tax form</dt>
        <dd>{p.tax.form ? (taxFormNames[p.tax.form] ?? p.tax.form) : 'Not provided'}</dd>
        <dt>Tax ID</dt>
        <dd>{p.tax.tax_id_present ? 'On file (not shown)' : 'Not on file'}</dd>
        <dt>Tax country</dt>
        <dd>{p.tax.country ?? 'Not provided'}</dd>
        <dt>Last changed</dt>
        <dd>{formatDate(p.updated_at)}</dd>
      </dl>
      <p className="small muted" style={{ marginTop: 'var(--space-3)', marginBottom: 0 }}>
        Account numbers are shown masked; Tandem never shows them in full.
      </p>
    </div>
  );
}

/** /portal/payouts: what the next payout will do, past payouts, statements and payout details. */
export function PayoutsPage() {
  const partnerId = usePartnerId();
  const programs = usePartnerPrograms(partnerId);
  const list = programs.data ?? [];
  return (
    <>
      <PageHeader
        title="Payouts"
        lead="When and how you get paid, and the record of every payout."
      />
      <Section title="Next payout">
        <Outlook partnerId={partnerId} programs={list} />
      </Section>
      <Section title="Payout history">
        <History partnerId={partnerId} programs={list} />
      </Section>
      <Section title="Statements">
        <p className="muted">
          A monthly statement lists every reward, reversal and payout with opening and closing
          balances.
        </p>
        <QueryView query={programs} loading="Loading your programs…">
          {(enrolled) => (
            <div className="grid">
              {enrolled.map((p) => (
                <ProgramStatements key={p.id} partnerId={partnerId} program={p} />
              ))}
            </div>
          )}
        </QueryView>
      </Section>
      <Section title="Payout method and tax details">
        <Profile partnerId={partnerId} />
      </Section>
    </>
  );
}
