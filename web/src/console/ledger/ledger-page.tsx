import { useNavigate, useSearch } from '@tanstack/react-router';
import { type ReactNode, useState } from 'react';
import { Field } from '../../ui/field';
import { PageHeader } from '../../ui/page-header';
import { EmptyState } from '../../ui/states';
import { PartnerSelect } from '../partners/partner-select';
import { usePrograms } from '../use-programs';
import { AccountEntries } from './account-entries';
import { LedgerAccounts } from './ledger-accounts';
import type { LedgerSearch } from './ledger-search';
import { TransactionView } from './transaction-view';

/**
 * `/console/ledger`: the double-entry ledger from a partner's accounts to one
 * account's entries to one transaction. Each step is in the URL, so a
 * drill-down can be linked and the back button steps back up.
 */
export function LedgerPage(): ReactNode {
  const search = useSearch({ from: '/console/ledger' });
  const { partner, account, tx } = search;
  return (
    <>
      <PageHeader
        title="Ledger"
        lead="A partner's accounts and balances, each account's entries, and the transactions behind them."
      />
      <LedgerPicker key={`${search.partner}:${search.program}`} search={search} />
      {partner ? (
        <LedgerAccounts search={{ ...search, partner }} />
      ) : (
        <EmptyState title="Choose a partner">
          <p>Its accounts, their balances and every entry behind them appear here.</p>
        </EmptyState>
      )}
      {account ? <AccountEntries search={{ ...search, account }} /> : null}
      {tx ? <TransactionView id={tx} /> : null}
    </>
  );
}

function LedgerPicker({ search }: { search: LedgerSearch }) {
  const navigate = useNavigate({ from: '/console/ledger' });
  const programs = usePrograms();
  const [partner, setPartner] = useState(search.partner ?? '');
  const [program, setProgram] = useState(search.program ?? '');
  return (
    <form
      className="form-row console-filters"
      aria-label="Choose accounts"
      onSubmit={(e) => {
        e.preventDefault();
        navigate({ search: { partner: partner || undefined, program: program || undefined } });
      }}
    >
      <Field label="Partner">
        {(control) => (
          <PartnerSelect
            control={control}
            value={partner}
            any="Choose a partner"
            onChange={setPartner}
          />
        )}
      </Field>
      <Field label="Program (optional)">
        {(control) => (
          <select {...control} value={program} onChange={(e) => setProgram(e.target.value)}>
            <option value="">All programs</option>
            {(programs.data ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <button type="submit" className="primary" disabled={!partner}>
        Show accounts
      </button>
    </form>
  );
}
