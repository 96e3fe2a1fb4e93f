import { Link } from '@tanstack/react-router';
import { useKbPages } from '../api/use-knowledge-base';
import { formatDate } from '../ui/format';
import { PageHeader } from '../ui/page-header';
import { QueryFallback, QueryView } from '../ui/query-view';
import { Section } from '../ui/section';
import { EmptyState } from '../ui/states';
import { usePartnerId } from './use-partner-id';
import { usePartnerPrograms } from './use-programs';
import './help.css';

/** /portal/help: the knowledge base's pages for partners, and the terms that apply. */
export function HelpPage() {
  return (
    <>
      <PageHeader
        title="Help"
        lead="How the program works, in plain words. Your partner manager answers anything these pages do not."
      />
      <Section title="Guides">
        <Guides />
      </Section>
      <Section title="Your program terms">
        <ProgramTerms />
        <p>
          See also <Link to="/portal/tier">your tier and its benefits</Link> and{' '}
          <Link to="/portal/payouts">how and when you are paid</Link>.
        </p>
      </Section>
    </>
  );
}

function Guides() {
  const pages = useKbPages();
  if (!pages.isSuccess) return <QueryFallback query={pages} loading="Loading the help pages…" />;
  if (pages.data.length === 0) {
    return (
      <EmptyState title="No help pages yet">
        <p>
          Until there are, your partner manager answers questions by email, and every reward on the{' '}
          <Link to="/portal/earnings">Earnings</Link> page explains how it was calculated.
        </p>
      </EmptyState>
    );
  }
  return (
    <ul className="kb-list">
      {pages.data.map((page) => (
        <li key={page.id}>
          <Link to="/portal/help/$slug" params={{ slug: page.slug }}>
            {page.title}
          </Link>
          <span className="muted small">Updated {formatDate(page.updated_at)}</span>
        </li>
      ))}
    </ul>
  );
}

function ProgramTerms() {
  const partnerId = usePartnerId();
  const programs = usePartnerPrograms(partnerId);
  return (
    <QueryView query={programs} loading="Loading your programs…">
      {(list) =>
        list.length > 0 ? (
          <ul>
            {list.map((p) => {
              const current = p.versions.find((v) => v.status === 'current');
              return (
                <li key={p.id}>
                  <strong>{p.name}</strong>
                  {current
                    ? `: version ${current.number}, in force since ${formatDate(current.effective_from)}`
                    : ''}
                  . Rewards:{' '}
                  {(current?.terms.rewards ?? []).map((r) => r.name ?? r.id).join('; ') ||
                    'none listed'}
                  .
                </li>
              );
            })}
          </ul>
        ) : (
          <p className="muted">You are not enrolled in a program yet.</p>
        )
      }
    </QueryView>
  );
}
