import type { Issue } from '../../api/client';
import type { KbAudience, KbPage } from '../../api/knowledge-base';

/** What the editor holds: the page's fields as typed, not yet saved. */
export interface KbForm {
  title: string;
  slug: string;
  audience: KbAudience;
  /** As typed; empty means "after every page" for a new page. */
  position: string;
  published: boolean;
  body: string;
  note: string;
}

export type KbFormErrors = Partial<Record<keyof KbForm, string>>;

/** The server's limits (src/engine/knowledge-base.ts), checked here first to say so sooner. */
export const KB_BODY_MAX_BYTES = 100 * 1024;
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const emptyForm: KbForm = {
  title: '',
  slug: '',
  audience: 'partners',
  position: '',
  published: false,
  body: '',
  note: '',
};

export const formOf = (page: KbPage): KbForm => ({
  title: page.title,
  slug: page.slug,
  audience: page.audience,
  position: String(page.position),
  published: page.published,
  body: page.body,
  note: '',
});

/** The address a title suggests: "Joining a campaign!" → "joining-a-campaign". */
export function slugify(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
}

export const byteLength = (text: string) => new TextEncoder().encode(text).length;

/** What must change before the form can be saved, per field, in words. */
export function validate(form: KbForm): KbFormErrors {
  const errors: KbFormErrors = {};
  if (!form.title.trim()) errors.title = 'Give the page a title.';
  else if (form.title.trim().length > 200) errors.title = 'Keep the title under 200 characters.';
  if (!form.slug) errors.slug = 'Give the page an address.';
  else if (form.slug.length > 80 || !SLUG.test(form.slug))
    errors.slug = 'Use lowercase letters, digits and single hyphens, e.g. how-referrals-work.';
  if (form.position.trim() !== '' && !/^\d{1,7}$/.test(form.position.trim()))
    errors.position = 'A whole number, 0 or more.';
  if (byteLength(form.body) > KB_BODY_MAX_BYTES)
    errors.body = 'The text is over 100 KB: split it into two pages.';
  if (form.note.length > 500) errors.note = 'Keep the note under 500 characters.';
  return errors;
}

/** The server's validation issues (`body.title` …) as messages on the form's fields. */
export function fieldErrorsOf(issues: Issue[]): KbFormErrors {
  const errors: KbFormErrors = {};
  for (const issue of issues) {
    const field = issue.path.replace(/^body\./, '') as keyof KbForm;
    if (field in emptyForm && !errors[field]) errors[field] = issue.message;
  }
  return errors;
}

interface KbRequest {
  title?: string;
  slug?: string;
  audience?: KbForm['audience'];
  published?: boolean;
  body?: string;
  position?: number;
  note?: string;
}

/**
 * The request body of a save, typed as the API takes it: every field for a
 * new page; for an existing one only the fields changed since `base` (the
 * form as last loaded or saved), so saving over someone else's version
 * replaces what this writer changed and keeps the rest of theirs.
 */
export function requestOf(form: KbForm, base?: KbForm): KbRequest {
  const changed = (k: keyof KbForm) => !base || form[k] !== base[k];
  const position = form.position.trim();
  const out: KbRequest = {};
  if (changed('title')) out.title = form.title.trim();
  if (changed('slug')) out.slug = form.slug;
  if (changed('audience')) out.audience = form.audience;
  if (changed('published')) out.published = form.published;
  if (changed('body')) out.body = form.body;
  if (changed('position') && position !== '') out.position = Number(position);
  if (form.note.trim()) out.note = form.note.trim();
  return out;
}

export const sameForm = (a: KbForm, b: KbForm) =>
  (Object.keys(a) as (keyof KbForm)[]).every((k) => a[k] === b[k]);
