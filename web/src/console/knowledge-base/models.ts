import type { KbAudience } from '../../portal/kb-models';

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

export type KbField = 'slug' | 'title' | 'body' | 'audience' | 'position' | 'published';

/** The details of a 409 kb_page_conflict: who saved since the version being edited. */
export interface KbConflict {
  current_version: number;
  your_version: number;
  updated_by: string;
  updated_by_name: string | null;
  updated_at: string;
}
