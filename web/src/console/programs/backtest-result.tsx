import { useId } from 'react';
import type { BacktestReport } from '../../api/programs';
import { DataTable } from '../../ui/data-table';
import { formatDate, formatMoney, formatNumber } from '../../ui/format';
import { Notice } from '../../ui/notice';
import { formatDifference, formatPoints, formatSignedCount } from '../format';
import { PartnerLink } from '../partners/partner-link';

/** Current terms and draft side by side: totals, then each partner. */
export function BacktestResult({ report: r }: { report: BacktestReport }) {
  const id = useId();
  const cur = r.currency;
  const money = (a: string | null) => (a === null ? '—' : formatMoney(a, cur));
  const pct = (a: string | null) => (a === null ? '—' : `${a} %`);
  const otherCurrencies = [
    ...new Set([
      ...Object.keys(r.baseline.other_currencies),
      ...Object.keys(r.draft.other_currencies),
    ]),
  ].sort();
  const cost = Number(r.difference.cost);
  return (
    <div className="console-backtest">
      <h3 id={`${id}-h`}>
        Result: {formatDate(r.period.from)} to {formatDate(r.period.to)}
      </h3>
      <p>
        {cost === 0
          ? 'The draft costs the same as the current terms over this period.'
          : `The draft would have cost ${formatDifference(r.difference.cost, cur).replace(/^[+−]/, '')} ${cost > 0 ? 'more' : 'less'} than the current terms over this period.`}
      </p>
      <DataTable
        label="Backtest totals"
        columns={[
          'Figure',
          { label: 'Current terms', numeric: true },
          { label: 'Draft', numeric: true },
          { label: 'Difference', numeric: true },
        ]}
      >
        <tr>
          <th scope="row">Cost ({cur})</th>
          <td className="num">{money(r.baseline.cost)}</td>
          <td className="num">{money(r.draft.cost)}</td>
          <td className="num">{formatDifference(r.difference.cost, cur)}</td>
        </tr>
        {otherCurrencies.map((c) => (
          <tr key={c}>
            <th scope="row">Cost ({c})</th>
            <td className="num">{formatMoney(r.baseline.other_currencies[c] ?? '0', c)}</td>
            <td className="num">{formatMoney(r.draft.other_currencies[c] ?? '0', c)}</td>
            <td className="num">{formatDifference(r.difference.other_currencies[c] ?? '0', c)}</td>
          </tr>
        ))}
        <tr>
          <th scope="row">Activations</th>
          <td className="num">{formatNumber(r.baseline.activations)}</td>
          <td className="num">{formatNumber(r.draft.activations)}</td>
          <td className="num">{formatSignedCount(r.difference.activations)}</td>
        </tr>
        <tr>
          <th scope="row">Cost per activation</th>
          <td className="num">{money(r.baseline.cost_per_activation)}</td>
          <td className="num">{money(r.draft.cost_per_activation)}</td>
          <td className="num">
            {r.difference.cost_per_activation === null
              ? '—'
              : formatDifference(r.difference.cost_per_activation, cur)}
          </td>
        </tr>
        <tr>
          <th scope="row">Revenue</th>
          <td className="num">{money(r.baseline.revenue)}</td>
          <td className="num">{money(r.draft.revenue)}</td>
          <td className="num">{formatDifference(r.difference.revenue, cur)}</td>
        </tr>
        <tr>
          <th scope="row">Cost as a share of revenue</th>
          <td className="num">{pct(r.baseline.cost_share_of_revenue_percent)}</td>
          <td className="num">{pct(r.draft.cost_share_of_revenue_percent)}</td>
          <td className="num">{formatPoints(r.difference.cost_share_of_revenue_percent)}</td>
        </tr>
      </DataTable>
      {r.warnings.length > 0 ? (
        <div className="notice notice-warn">
          {r.warnings.map((w) => (
            <p key={w}>{w}</p>
          ))}
        </div>
      ) : null}
      <Check report={r} />
      <h3>Per partner</h3>
      {r.partners.length === 0 ? (
        <p>No partner earned anything in this period under either terms.</p>
      ) : (
        <DataTable
          label="Backtest per partner"
          columns={[
            'Partner',
            'Currency',
            { label: 'Current terms', numeric: true },
            { label: 'Draft', numeric: true },
            { label: 'Difference', numeric: true },
          ]}
        >
          {r.partners.map((p) => (
            <tr key={`${p.partner_id}-${p.currency}`}>
              <th scope="row">
                <PartnerLink id={p.partner_id}>{p.name ?? p.partner_id}</PartnerLink>
              </th>
              <td>{p.currency}</td>
              <td className="num">{formatMoney(p.baseline, p.currency)}</td>
              <td className="num">{formatMoney(p.draft, p.currency)}</td>
              <td className="num">{formatDifference(p.difference, p.currency)}</td>
            </tr>
          ))}
        </DataTable>
      )}
      <p className="muted small">
        Replayed {formatNumber(r.customers_replayed)} customers and{' '}
        {formatNumber(r.events_replayed)} events in {(r.elapsed_ms / 1000).toFixed(1)} s; the draft
        stands as version {r.draft_version.number} from {formatDate(r.draft_version.effective_from)}
        ; tiers {r.tiers === 'simulated' ? 'simulated under the draft' : 'as recorded'}.
      </p>
    </div>
  );
}

function Check({ report: r }: { report: BacktestReport }) {
  if (r.baseline_replay_matches_ledger === null) return null;
  if (r.baseline_replay_matches_ledger)
    return (
      <p className="console-valid">
        Check passed: replaying the current terms reproduces the ledger exactly.
      </p>
    );
  return (
    <Notice tone="warn">
      Check: replaying the current terms differs from the ledger for {r.mismatches.length} partner{' '}
      {r.mismatches.length === 1 ? 'amount' : 'amounts'}
      {r.pending_derivation > 0
        ? `; ${formatNumber(r.pending_derivation)} updates were still waiting to be processed. Run it again in a moment.`
        : '. Events may have arrived while it ran.'}
    </Notice>
  );
}
