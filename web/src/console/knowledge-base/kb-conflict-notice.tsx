import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { KbConflict, KbPage } from '../../api/knowledge-base';
import { formatDateTime } from '../../ui/format';
import { MarkdownArticle } from '../../ui/markdown-article';
import { QueryView } from '../../ui/query-view';
import { KbScroll } from './kb-scroll';

/**
 * Someone saved the page after this editor loaded it: who, when, and the
 * writer's choices — look at their version, keep theirs (discarding the
 * changes here), or save these changes over theirs (still in the history).
 */
export function KbConflictNotice({
  id,
  slug,
  conflict,
  saving,
  onOverwrite,
  onLoadTheirs,
}: {
  id: string;
  slug: string;
  conflict: KbConflict;
  saving: boolean;
  onOverwrite: () => void;
  onLoadTheirs: (latest: KbPage) => void;
}) {
  const [showing, setShowing] = useState(false);
  const latest = useQuery({
    queryKey: ['kb', 'page', slug, 'version', conflict.current_version],
    queryFn: () => call<KbPage>(api.GET('/v1/kb/{slug}', { params: { path: { slug } } })),
  });
  const who = conflict.updated_by_name ?? 'Someone else';
  return (
    <div id={id} className="notice notice-warn kb-conflict" role="alert" tabIndex={-1}>
      <p>
        <strong>Not saved: this page changed while you were editing it.</strong> {who} saved version{' '}
        {conflict.current_version} on {formatDateTime(conflict.updated_at)}; you started from
        version {conflict.your_version}. Your text is still here.
      </p>
      <div className="actions">
        <button type="button" onClick={() => setShowing(!showing)} aria-expanded={showing}>
          {showing ? 'Hide their version' : 'Show their version'}
        </button>
        <button
          type="button"
          disabled={!latest.data}
          onClick={() => latest.data && onLoadTheirs(latest.data)}
        >
          Discard my changes and load theirs
        </button>
        <button type="button" className="danger" disabled={saving} onClick={onOverwrite}>
          Save mine over theirs
        </button>
      </div>
      <p className="small">
        Saving yours over theirs replaces their text; theirs stays in the history below.
      </p>
      {showing ? (
        <QueryView query={latest} loading="Loading their version…">
          {(theirs) => (
            <div className="kb-theirs">
              <p className="field-label" id={`${id}-theirs`}>
                Version {theirs.version}: {theirs.title}
              </p>
              <KbScroll labelledBy={`${id}-theirs`}>
                <MarkdownArticle markdown={theirs.body} />
              </KbScroll>
            </div>
          )}
        </QueryView>
      ) : null}
    </div>
  );
}
