import type { Deps } from './deps.js';
import { type ClickInput, recordClicks } from './record-clicks.js';

export interface ResolvedLink {
  id: string;
  code: string;
  partnerId: string;
  programId: string;
  destination: string;
  /**
   * The destination split where a query parameter goes (before any
   * `#fragment`), computed once per cache fill so that a redirect appends its
   * click id with string concatenation instead of parsing a URL.
   */
  splice: { base: string; separator: '?' | '&'; fragment: string };
}

/** Splits a normalized absolute URL for appending a query parameter. */
export function spliceOf(destination: string): ResolvedLink['splice'] {
  const hash = destination.indexOf('#');
  const base = hash < 0 ? destination : destination.slice(0, hash);
  const fragment = hash < 0 ? '' : destination.slice(hash);
  return { base, separator: base.includes('?') ? '&' : '?', fragment };
}

export interface ClickTrackerOptions {
  /** How long a flush may wait for more clicks to share its transaction. */
  flushMs?: number;
  /** Flush as soon as this many clicks wait. */
  maxBatch?: number;
  /** How long a link lookup (hit or miss) is trusted; bounds how late a disable takes effect on other nodes. */
  cacheTtlMs?: number;
}

/**
 * The redirect's hot path: link lookups from a small TTL cache, and clicks
 * written by group commit — many redirects share one multi-row insert. A
 * redirect is answered before its click is committed; `close()` (on SIGTERM)
 * flushes what is buffered, so no answered click is lost on graceful shutdown.
 * A failed flush keeps its clicks and retries.
 */
export class ClickTracker {
  readonly #deps: Deps;
  readonly #flushMs: number;
  readonly #maxBatch: number;
  readonly #ttl: number;
  readonly #cache = new Map<string, { link: ResolvedLink | undefined; until: number }>();
  #buffer: ClickInput[] = [];
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;
  #closed = false;

  constructor(deps: Deps, opts: ClickTrackerOptions = {}) {
    this.#deps = deps;
    this.#flushMs = opts.flushMs ?? 25;
    this.#maxBatch = opts.maxBatch ?? 1000;
    this.#ttl = opts.cacheTtlMs ?? 5000;
  }

  /** The active link for a code, or undefined for unknown, disabled or not-approved-partner codes. */
  async resolve(code: string): Promise<ResolvedLink | undefined> {
    const now = Date.now();
    const hit = this.#cache.get(code);
    if (hit && hit.until > now) return hit.link;
    const row = await this.#deps.store.db
      .selectFrom('links')
      .innerJoin('partners', 'partners.id', 'links.partner_id')
      .select([
        'links.id',
        'links.code',
        'links.partner_id',
        'links.program_id',
        'links.destination',
      ])
      .where('links.code', '=', code)
      .where('links.disabled_at', 'is', null)
      .where('partners.status', '=', 'approved')
      .executeTakeFirst();
    const link = row
      ? {
          id: row.id,
          code: row.code,
          partnerId: row.partner_id,
          programId: row.program_id,
          destination: row.destination,
          splice: spliceOf(row.destination),
        }
      : undefined;
    if (this.#cache.size > 100_000) this.#cache.clear();
    this.#cache.set(code, { link, until: now + this.#ttl });
    return link;
  }

  /** Forgets a cached code (this node disabled it). */
  invalidate(code?: string): void {
    if (code === undefined) this.#cache.clear();
    else this.#cache.delete(code);
  }

  /** Buffers a click for the next group commit and returns its id. */
  track(
    link: ResolvedLink,
    visit: { ip: string | undefined; userAgent: string | undefined; referer: string | undefined },
  ): string {
    const id = this.#deps.ids.next('clk');
    this.#buffer.push({
      id,
      linkId: link.id,
      partnerId: link.partnerId,
      programId: link.programId,
      occurredAt: this.#deps.clock.now(),
      ...visit,
    });
    if (this.#buffer.length >= this.#maxBatch) void this.flush();
    else if (!this.#timer && !this.#closed)
      this.#timer = setTimeout(() => void this.flush(), this.#flushMs);
    return id;
  }

  get pending(): number {
    return this.#buffer.length;
  }

  /** Writes everything buffered; concurrent calls share one flush at a time. */
  async flush(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    while (this.#flushing) await this.#flushing;
    if (this.#buffer.length === 0) return;
    const batch = this.#buffer;
    this.#buffer = [];
    this.#flushing = recordClicks(this.#deps, batch)
      .catch((e) => {
        // Keep the clicks: they were answered, so they must be written.
        this.#buffer = batch.concat(this.#buffer);
        this.#deps.log.error({ err: e, clicks: batch.length }, 'click flush failed; will retry');
        if (!this.#timer && !this.#closed) this.#timer = setTimeout(() => void this.flush(), 1000);
      })
      .finally(() => {
        this.#flushing = undefined;
      });
    await this.#flushing;
  }

  /** Stops timers and writes every buffered click (graceful shutdown). */
  async close(): Promise<void> {
    this.#closed = true;
    for (let attempt = 0; attempt < 5 && (this.#buffer.length > 0 || this.#flushing); attempt++)
      await this.flush();
    if (this.#timer) clearTimeout(this.#timer);
  }
}
