import { TandemError } from '../core/errors.js';
import { toIso } from '../core/time.js';
import type { KbPageRevisionsTable, KbPagesTable } from '../store/schema.js';
import { toBool, toNumber } from '../store/values.js';
import { audit } from './audit.js';
import type { Deps } from './deps.js';
import { type Db, inTransaction, type Tx } from './transaction.js';

/**
 * The knowledge base: the operator's playbook pages, in Markdown. Pages for
 * the `partners` audience are read in the portal once published; `operators`
 * pages are the internal playbook. Every save keeps a revision, and a save
 * names the version it was based on, so of two people editing one page the
 * second to save is told instead of silently overwriting the first.
 */
export const kbAudiences = ['partners', 'operators'] as const;
export type KbAudience = (typeof kbAudiences)[number];

/** Slugs: lowercase letters and digits in words joined by single hyphens. */
export const KB_SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const KB_SLUG_MAX = 80;
export const KB_TITLE_MAX = 200;
/** A page's Markdown, in bytes of UTF-8 (100 KB). */
export const KB_BODY_MAX_BYTES = 100 * 1024;

/** A page in a list: everything but its body. Actors are for operators only. */
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

export interface KbPageView extends KbPageSummary {
  /** Markdown, as written; rendering (and sanitising) is the reader's. */
  body: string;
}

/** The fields a revision records and compares. */
const FIELDS = ['slug', 'title', 'body', 'audience', 'position', 'published'] as const;
type Field = (typeof FIELDS)[number];

export interface KbRevisionView {
  version: number;
  /** `created`, `published`, `unpublished` or `edited`. */
  action: 'created' | 'published' | 'unpublished' | 'edited';
  /** What this save changed from the version before (empty for `created`). */
  changed: Field[];
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

/** Who reads: a partner sees published partner pages only, and no actors. */
export type KbReader = 'operator' | 'partner';

interface PageState {
  slug: string;
  title: string;
  body: string;
  audience: KbAudience;
  position: number;
  published: boolean;
}

const stateOf = (r: Pick<KbPagesTable, Field>): PageState => ({
  slug: r.slug,
  title: r.title,
  body: r.body,
  audience: r.audience as KbAudience,
  position: toNumber(r.position),
  published: toBool(r.published),
});

const changedFields = (before: PageState, after: PageState): Field[] =>
  FIELDS.filter((f) => before[f] !== after[f]);

const actionOf = (before: PageState | undefined, after: PageState): KbRevisionView['action'] => {
  if (!before) return 'created';
  if (before.published !== after.published) return after.published ? 'published' : 'unpublished';
  return 'edited';
};

/**
 * Display names of actors: a signed-in person's name, an API key's name;
 * anything else (`demo`, `system`) is shown as it is.
 */
async function actorNames(db: Db | Tx, ids: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  const out = new Map<string, string>();
  if (unique.length === 0) return out;
  for (const u of await db
    .selectFrom('users')
    .select(['id', 'name'])
    .where('id', 'in', unique)
    .execute())
    out.set(u.id, u.name);
  for (const k of await db
    .selectFrom('api_keys')
    .select(['id', 'name'])
    .where('id', 'in', unique)
    .execute())
    out.set(k.id, k.name);
  return out;
}

function summaryOf(r: KbPagesTable, reader: KbReader, names: Map<string, string>): KbPageSummary {
  const s = stateOf(r);
  const base: KbPageSummary = {
    id: r.id,
    slug: s.slug,
    title: s.title,
    audience: s.audience,
    position: s.position,
    published: s.published,
    version: toNumber(r.version),
    created_at: toIso(toNumber(r.created_at)),
    updated_at: toIso(toNumber(r.updated_at)),
  };
  if (reader === 'partner') return base;
  return {
    ...base,
    created_by: r.created_by,
    created_by_name: names.get(r.created_by) ?? null,
    updated_by: r.updated_by,
    updated_by_name: names.get(r.updated_by) ?? null,
  };
}

async function pageView(db: Db | Tx, r: KbPagesTable, reader: KbReader): Promise<KbPageView> {
  const names = reader === 'operator' ? await actorNames(db, [r.created_by, r.updated_by]) : null;
  return { ...summaryOf(r, reader, names ?? new Map()), body: r.body };
}

const notFound = (slug: string) =>
  new TandemError('kb_page_not_found', `no knowledge base page ${slug}`);

/** Slugs are lowercase: a path in another case finds the same page. */
const normalSlug = (slug: string) => slug.trim().toLowerCase();

async function findRow(db: Db | Tx, slug: string): Promise<KbPagesTable | undefined> {
  return db
    .selectFrom('kb_pages')
    .selectAll()
    .where('slug', '=', normalSlug(slug))
    .executeTakeFirst();
}

const findRowById = (tx: Tx, id: string) =>
  tx.selectFrom('kb_pages').selectAll().where('id', '=', id).executeTakeFirst();

async function ensureSlugFree(tx: Tx, slug: string, exceptId?: string): Promise<void> {
  const other = await tx
    .selectFrom('kb_pages')
    .select(['id'])
    .where('slug', '=', slug)
    .executeTakeFirst();
  if (other && other.id !== exceptId)
    throw new TandemError('kb_slug_taken', `the slug ${slug} is taken by another page`, {
      slug,
      page_id: other.id,
    });
}

async function insertRevision(
  deps: Pick<Deps, 'ids'>,
  tx: Tx,
  pageId: string,
  version: number,
  state: PageState,
  at: number,
  actor: string,
  note: string | null,
): Promise<void> {
  const row: KbPageRevisionsTable = {
    id: deps.ids.next('kbr'),
    page_id: pageId,
    version,
    ...state,
    published: state.published ? 1 : 0,
    note,
    actor,
    at,
  };
  await tx.insertInto('kb_page_revisions').values(row).execute();
}

export interface KbPageInput {
  slug: string;
  title: string;
  body: string;
  audience: KbAudience;
  /** Default: after every page there is. */
  position?: number | undefined;
  /** Default: false (a draft). */
  published?: boolean | undefined;
  note?: string | undefined;
}

/**
 * Creates a page (version 1, its first revision) and audits
 * `kb_page.created`. Errors: `kb_slug_taken`.
 */
export async function createKbPage(
  deps: Deps,
  input: KbPageInput,
  actor: string,
): Promise<KbPageView> {
  return inTransaction(deps, async (tx) => {
    const slug = normalSlug(input.slug);
    await ensureSlugFree(tx, slug);
    const now = deps.clock.now();
    let position = input.position;
    if (position === undefined) {
      const last = await tx
        .selectFrom('kb_pages')
        .select((eb) => eb.fn.max('position').as('max'))
        .executeTakeFirst();
      position = last?.max === null || last?.max === undefined ? 1 : toNumber(last.max) + 1;
    }
    const state: PageState = {
      slug,
      title: input.title,
      body: input.body,
      audience: input.audience,
      position,
      published: input.published ?? false,
    };
    const row: KbPagesTable = {
      id: deps.ids.next('kb'),
      ...state,
      published: state.published ? 1 : 0,
      version: 1,
      created_by: actor,
      created_at: now,
      updated_by: actor,
      updated_at: now,
    };
    await tx.insertInto('kb_pages').values(row).execute();
    await insertRevision(deps, tx, row.id, 1, state, now, actor, input.note ?? null);
    await audit(deps, tx, {
      actor,
      action: 'kb_page.created',
      subject: row.id,
      data: { slug, audience: state.audience, published: state.published },
    });
    return pageView(tx, row, 'operator');
  });
}

export interface KbPageChange {
  /** The version the change was made from: a newer one on record is a conflict. */
  version: number;
  slug?: string | undefined;
  title?: string | undefined;
  body?: string | undefined;
  audience?: KbAudience | undefined;
  position?: number | undefined;
  published?: boolean | undefined;
  note?: string | undefined;
}

/**
 * Saves a change to the page at `slug` (fields left out keep their value),
 * publishes or unpublishes it, or renames it (`slug`). The change must name
 * the version it was based on: when someone saved since, nothing is written
 * and `kb_page_conflict` carries the version on record and who saved it. A
 * change that changes nothing writes nothing. Audits `kb_page.updated`,
 * `kb_page.published` or `kb_page.unpublished`. Errors: `kb_page_not_found`,
 * `kb_page_conflict`, `kb_slug_taken`.
 */
export async function updateKbPage(
  deps: Deps,
  slug: string,
  change: KbPageChange,
  actor: string,
): Promise<KbPageView> {
  return inTransaction(deps, async (tx) => {
    const row = await findRow(tx, slug);
    if (!row) throw notFound(slug);
    const current = toNumber(row.version);
    const conflict = async (version: number, by: string, at: number) => {
      const names = await actorNames(tx, [by]);
      return new TandemError(
        'kb_page_conflict',
        `this page was saved by ${names.get(by) ?? by} (version ${version}) after version ${change.version} you edited; reload it and apply your change again`,
        {
          current_version: version,
          your_version: change.version,
          updated_by: by,
          updated_by_name: names.get(by) ?? null,
          updated_at: toIso(at),
        },
      );
    };
    if (change.version !== current)
      throw await conflict(current, row.updated_by, toNumber(row.updated_at));
    const before = stateOf(row);
    const after: PageState = {
      slug: change.slug === undefined ? before.slug : normalSlug(change.slug),
      title: change.title ?? before.title,
      body: change.body ?? before.body,
      audience: change.audience ?? before.audience,
      position: change.position ?? before.position,
      published: change.published ?? before.published,
    };
    const changed = changedFields(before, after);
    if (changed.length === 0) return pageView(tx, row, 'operator');
    if (after.slug !== before.slug) await ensureSlugFree(tx, after.slug, row.id);
    const now = deps.clock.now();
    const version = current + 1;
    // Conditional on the version read: of two saves from one version, one
    // moves it and the other updates nothing (whatever the isolation level).
    const r = await tx
      .updateTable('kb_pages')
      .set({
        ...after,
        published: after.published ? 1 : 0,
        version,
        updated_by: actor,
        updated_at: now,
      })
      .where('id', '=', row.id)
      .where('version', '=', current)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) {
      const latest = await findRowById(tx, row.id);
      throw await conflict(
        latest ? toNumber(latest.version) : current + 1,
        latest?.updated_by ?? row.updated_by,
        latest ? toNumber(latest.updated_at) : now,
      );
    }
    await insertRevision(deps, tx, row.id, version, after, now, actor, change.note ?? null);
    const action = actionOf(before, after);
    await audit(deps, tx, {
      actor,
      action: action === 'edited' ? 'kb_page.updated' : `kb_page.${action}`,
      subject: row.id,
      data: { slug: after.slug, version, changed, ...(change.note ? { note: change.note } : {}) },
    });
    const saved = await findRowById(tx, row.id);
    return pageView(tx, saved as KbPagesTable, 'operator');
  });
}

/**
 * Pages in reading order (position, then title), without their bodies: for
 * an operator every page, for a partner the published `partners` pages.
 */
export async function listKbPages(db: Db, reader: KbReader): Promise<KbPageSummary[]> {
  let q = db.selectFrom('kb_pages').selectAll().orderBy('position').orderBy('title');
  if (reader === 'partner') q = q.where('audience', '=', 'partners').where('published', '=', 1);
  const rows = await q.execute();
  const names =
    reader === 'operator'
      ? await actorNames(
          db,
          rows.flatMap((r) => [r.created_by, r.updated_by]),
        )
      : new Map<string, string>();
  return rows.map((r) => summaryOf(r, reader, names));
}

/**
 * One page with its Markdown. A partner asking for an internal or
 * unpublished page is told it does not exist. Errors: `kb_page_not_found`.
 */
export async function getKbPage(db: Db, slug: string, reader: KbReader): Promise<KbPageView> {
  const row = await findRow(db, slug);
  if (!row) throw notFound(slug);
  if (reader === 'partner' && (row.audience !== 'partners' || !toBool(row.published)))
    throw notFound(slug);
  return pageView(db, row, reader);
}

/**
 * Every saved state of a page, newest first, each with who saved it, when,
 * its note and what it changed. Errors: `kb_page_not_found`.
 */
export async function listKbRevisions(db: Db, slug: string): Promise<KbRevisionView[]> {
  const page = await findRow(db, slug);
  if (!page) throw notFound(slug);
  const rows = await db
    .selectFrom('kb_page_revisions')
    .selectAll()
    .where('page_id', '=', page.id)
    .orderBy('version')
    .execute();
  const names = await actorNames(
    db,
    rows.map((r) => r.actor),
  );
  let before: PageState | undefined;
  const out: KbRevisionView[] = [];
  for (const r of rows) {
    const state = stateOf(r);
    out.push({
      version: toNumber(r.version),
      action: actionOf(before, state),
      changed: before ? changedFields(before, state) : [],
      at: toIso(toNumber(r.at)),
      actor: r.actor,
      actor_name: names.get(r.actor) ?? null,
      note: r.note,
      ...state,
    });
    before = state;
  }
  return out.reverse();
}
