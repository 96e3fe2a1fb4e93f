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
