import { useId, useState } from 'react';
import type { Program, ProgramVersion, VersionStatus } from '../../api/programs';
import { Badge } from '../../ui/badge';
import { DataTable } from '../../ui/data-table';
import { formatDate, formatDateTime } from '../../ui/format';
import { Section } from '../../ui/section';
import { termsToYaml } from './parse-terms';
import { useYaml } from './use-yaml';

const statusWords: Record<VersionStatus, { label: string; tone: 'ok' | 'info' | 'neutral' }> = {
  current: { label: 'In force', tone: 'ok' },
  upcoming: { label: 'Coming', tone: 'info' },
  superseded: { label: 'Past', tone: 'neutral' },
};

/** Every published version; one at a time opens its terms, read only. */
export function VersionList({
  program,
  onUseAsDraft,
}: {
  program: Program;
  onUseAsDraft: (terms: unknown) => void;
}) {
  const [open, setOpen] = useState<number | null>(null);
  const versions = [...program.versions].reverse();
  const shown = versions.find((v) => v.number === open);
  return (
    <Section title="Versions">
      <DataTable
        label="Versions"
        columns={['Version', 'State', 'Effective from', 'Published', 'Note', 'Terms']}
      >
        {versions.map((v) => (
          <tr key={v.id} className={v.number === open ? 'highlight' : undefined}>
            <th scope="row">Version {v.number}</th>
            <td>
              <Badge tone={statusWords[v.status].tone}>{statusWords[v.status].label}</Badge>
            </td>
            <td>{formatDateTime(v.effective_from)}</td>
            <td>{formatDate(v.published_at)}</td>
            <td>{v.correction ? `Correction: ${v.reason ?? ''}` : (v.reason ?? '—')}</td>
            <td>
              <button
                type="button"
                className="small"
                aria-expanded={v.number === open}
                onClick={() => setOpen(v.number === open ? null : v.number)}
              >
                {v.number === open ? 'Hide' : 'Show'} terms of version {v.number}
              </button>
            </td>
          </tr>
        ))}
      </DataTable>
      {shown ? <TermsView version={shown} onUseAsDraft={onUseAsDraft} /> : null}
    </Section>
  );
}

function TermsView({
  version,
  onUseAsDraft,
}: {
  version: ProgramVersion;
  onUseAsDraft: (terms: unknown) => void;
}) {
  const id = useId();
  const yaml = useYaml();
  return (
    <section className="card console-terms" aria-labelledby={id}>
      <div className="section-head">
        <h3 id={id}>Terms of version {version.number}</h3>
        <button type="button" className="small" onClick={() => onUseAsDraft(version.terms)}>
          Start a draft from version {version.number}
        </button>
      </div>
      <pre
        className="console-code"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable block must be reachable by keyboard
        tabIndex={0}
      >
        {yaml.data ? termsToYaml(yaml.data, version.terms) : JSON.stringify(version.terms, null, 2)}
      </pre>
    </section>
  );
}
