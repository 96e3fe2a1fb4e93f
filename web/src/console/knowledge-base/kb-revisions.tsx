import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { KbField, KbPage, KbRevision } from '../../api/knowledge-base';
import { DataTable } from '../../ui/data-table';
import { formatDateTime } from '../../ui/format';
import { MarkdownArticle } from '../../ui/markdown-article';
import { QueryView } from '../../ui/query-view';
import { Section } from '../../ui/section';
import { EmptyState } from '../../ui/states';
import { KbScroll } from './kb-scroll';

const fieldWords: Record<KbField, string> = {
  slug: 'address',
  title: 'title',
  body: 'text',
  audience: 'readers',
  position: 'order',
  published: 'status',
};

/** What a save did, in words: "Created", "Published", "Changed the title and text". */
export function revisionSummary(r: KbRevision): string {
  if (r.action === 'created') return 'Created';
  const others = r.changed.filter((f) => f !== 'published').map((f) => fieldWords[f]);
  const lead =
    r.action === 'published' ? 'Published' : r.action === 'unpublished' ? 'Unpublished' : '';
  if (others.length === 0) return lead || 'Saved';
  const list =
    others.length === 1 ? others[0] : `${others.slice(0, -1).join(', ')} and ${others.at(-1)}`;
  return lead ? `${lead}; changed the ${list}` : `Changed the ${list}`;
}

/**
 * A page's history, newest first: who saved each version, when, what it
 * changed and why; one version's text can be read and copied back into the
 * editor (saving it then makes a new version: history is never rewritten).
 */
export function KbRevisions({ page, onUse }: { page: KbPage; onUse: (r: KbRevision) => void }) {
  const revisions = useQuery({
    queryKey: ['kb', 'revisions', page.id, page.slug],
    queryFn: () =>
      call<{ data: KbRevision[] }>(
        api.GET('/v1/kb/{slug}/revisions', { params: { path: { slug: page.slug } } }),
      ),
    select: (r) => r.data,
  });
  const [open, setOpen] = useState<number | null>(null);
  return (
    <Section title="History">
      <QueryView
        query={revisions}
        loading="Loading the history…"
        empty={<EmptyState title="No saved versions" />}
      >
        {(list) => (
          <div className="kb-history">
            <DataTable
              label="Versions of this page"
              columns={[
                { label: 'Version', numeric: true },
                'Saved',
                'By',
                'What changed',
                'Note',
                { label: 'Text', hidden: true },
              ]}
            >
              {list.map((r) => (
                <tr key={r.version}>
                  <td className="num">{r.version}</td>
                  <td className="console-nowrap">{formatDateTime(r.at)}</td>
                  <td>{r.actor_name ?? r.actor}</td>
                  <td>{revisionSummary(r)}</td>
                  <td>{r.note ?? <span className="muted">—</span>}</td>
                  <td>
                    <button
                      type="button"
                      className="link"
                      aria-expanded={open === r.version}
                      onClick={() => setOpen(open === r.version ? null : r.version)}
                    >
                      {open === r.version ? 'Hide' : 'Read'}
                      <span className="visually-hidden"> version {r.version}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </DataTable>
            {list
              .filter((r) => r.version === open)
              .map((r) => (
                <div key={r.version} className="kb-revision">
                  <div className="section-head">
                    <p className="field-label" id={`kb-revision-${r.version}`}>
                      Version {r.version}: {r.title}
                    </p>
                    {r.version !== page.version ? (
                      <button type="button" onClick={() => onUse(r)}>
                        Copy this title and text into the editor
                      </button>
                    ) : (
                      <span className="muted small">The current version</span>
                    )}
                  </div>
                  <KbScroll labelledBy={`kb-revision-${r.version}`}>
                    <MarkdownArticle markdown={r.body} />
                  </KbScroll>
                </div>
              ))}
          </div>
        )}
      </QueryView>
    </Section>
  );
}
