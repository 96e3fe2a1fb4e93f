/**
 * Knowledge base pages as GET /v1/kb and /v1/kb/{slug} answer them
 * (src/engine/knowledge-base.ts). Actors are present for operators only.
 */
export type KbAudience = 'partners' | 'operators';

export interface KbPageSummary {
  id: string;
  slug: string;
  title: string;
  audience: KbAudience;
  position: number;
  published: boolean;
  version: number;
  created_at: string;
  updated_at: string;
  created_by?: string;
  created_by_name?: string | null;
  updated_by?: string;
  updated_by_name?: string | null;
}

export interface KbPage extends KbPageSummary {
  /** Markdown, as written: render it with renderMarkdown. */
  body: string;
}

export type KbField = 'slug' | 'title' | 'body' | 'audience' | 'position' | 'published';

/** A saved state of a page, as GET /v1/kb/{slug}/revisions answers it (newest first). */
export interface KbRevision {
  version: number;
  action: 'created' | 'published' | 'unpublished' | 'edited';
  /** What this save changed from the version before (empty when created). */
  changed: KbField[];
  at: string;
  actor: string;
  actor_name: string | null;
  note: string | null;
  slug: string;
  title: string;
  body: string;
  audience: KbAudience;
  position: number;
  published: boolean;
}

/** The details of a 409 kb_page_conflict: who saved since the version being edited. */
export interface KbConflict {
  current_version: number;
  your_version: number;
  updated_by: string;
  updated_by_name: string | null;
  updated_at: string;
}
