import { toIso } from '../core/time.js';
import { migrate } from '../store/migrate.js';
import { dropSandboxStore, openSandboxStore } from '../store/sandbox-store.js';
import { audit } from './audit.js';
import type { Deps } from './deps.js';
import { syncSandbox, type Watermarks } from './sync-sandbox.js';
import { inTransaction } from './transaction.js';
import type { Worker } from './worker.js';

export interface SandboxOptions {
  /**
   * Starts the sandbox's background worker when it opens (stopped when it
   * closes or resets). It must not run payouts: `startWorker(d, { payouts: false })`.
   */
  worker?: ((deps: Deps) => Worker) | undefined;
  /** Live configuration is mirrored at most this often, per process (default 1,000 ms). */
  syncIntervalMs?: number;
  /** How long a reset waits for test-mode requests in flight to finish (default 10 s). */
  drainMs?: number;
}

/** One test-mode request's hold on the sandbox: a reset waits until it is released. */
export interface SandboxLease {
  readonly deps: Deps;
  readonly worker: Worker | undefined;
  release(): void;
}

interface Generation {
  deps: Deps;
  worker: Worker | undefined;
  active: number;
  drained: (() => void) | undefined;
  marks: Watermarks;
  syncedAt: number;
  syncing: Promise<void> | undefined;
}

/**
 * Test mode's store: a second database with the live schema (see
 * `src/store/sandbox-store.ts` for where it lives) holding test events and
 * everything derived from them, beside a mirror of live configuration.
 *
 * Opened lazily by the first test-mode request (an installation that never
 * uses test mode pays nothing), migrated like live, with its own deps: the
 * same clock, ids, log and secret, never payout rails. Before serving a
 * request it mirrors the configuration that changed in live (at most once per
 * `syncIntervalMs`, or at once after `invalidate()`); test activity is never
 * copied to live, and live activity never to it.
 */
export class Sandbox {
  readonly #live: Deps;
  readonly #opts: SandboxOptions;
  #current: Generation | undefined;
  #opening: Promise<Generation> | undefined;
  #resetting: Promise<void> | undefined;
  #stale = false;
  #closed = false;

  constructor(live: Deps, opts: SandboxOptions = {}) {
    this.#live = live;
    this.#opts = opts;
  }

  /** True once a test-mode request (or `open()`) has opened it. */
  get isOpen(): boolean {
    return this.#current !== undefined;
  }

  /** Opens the sandbox if needed and returns its deps, configuration mirrored. */
  async open(): Promise<Deps> {
    const lease = await this.acquire();
    lease.release();
    return lease.deps;
  }

  /** The sandbox's deps (opening it if needed): for tests and tools; requests use `acquire()`. */
  deps(): Promise<Deps> {
    return this.open();
  }

  /**
   * For one test-mode request: waits out a reset in progress, opens the
   * sandbox if needed, mirrors what changed in live if a sync is due, and
   * holds the store open until `release()`.
   */
  async acquire(): Promise<SandboxLease> {
    for (;;) {
      if (this.#closed) throw new Error('the sandbox is closed');
      if (this.#resetting) {
        await this.#resetting.catch(() => {});
        continue;
      }
      const g = await this.#generation();
      if (this.#resetting || this.#current !== g) continue;
      g.active++;
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        g.active--;
        if (g.active === 0) g.drained?.();
      };
      try {
        await this.#syncIfDue(g);
      } catch (e) {
        release();
        throw e;
      }
      return { deps: g.deps, worker: g.worker, release };
    }
  }

  /** Live configuration changed here: mirror it before the next test-mode request. */
  invalidate(): void {
    this.#stale = true;
  }

  /** Mirrors live configuration now (opening the sandbox if needed). */
  async sync(): Promise<void> {
    this.#stale = true;
    await this.open();
  }

  /**
   * Wipes the sandbox: every test event, accrual, ledger line, link and so on
   * is deleted, then live configuration is mirrored again. Test-mode requests
   * arriving meanwhile wait; those in flight finish on the old store first
   * (for at most `drainMs`, after which it is closed under them: they fail,
   * the process does not). The caller's own lease must be released first.
   * Recorded in the live audit log as `sandbox.reset` by `actor`.
   */
  async reset(actor = 'system'): Promise<{ reset_at: string; programs: number; partners: number }> {
    if (this.#closed) throw new Error('the sandbox is closed');
    if (!this.#resetting) {
      this.#resetting = this.#wipe().finally(() => {
        this.#resetting = undefined;
      });
    }
    await this.#resetting;
    const live = this.#live;
    const at = live.clock.now();
    await inTransaction(live, (tx) =>
      audit(live, tx, { actor, action: 'sandbox.reset', subject: 'sandbox' }),
    );
    const lease = await this.acquire();
    try {
      const db = lease.deps.store.db;
      const [programs, partners] = await Promise.all([
        db.selectFrom('programs').select(db.fn.countAll<number>().as('n')).executeTakeFirst(),
        db.selectFrom('partners').select(db.fn.countAll<number>().as('n')).executeTakeFirst(),
      ]);
      return {
        reset_at: toIso(at),
        programs: Number(programs?.n ?? 0),
        partners: Number(partners?.n ?? 0),
      };
    } finally {
      lease.release();
    }
  }

  /** Stops the sandbox's worker and closes its store (the data stays, except in memory). */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#resetting?.catch(() => {});
    await this.#opening?.catch(() => {});
    const g = this.#current;
    this.#current = undefined;
    if (g) await this.#shut(g);
  }

  async #generation(): Promise<Generation> {
    if (this.#current) return this.#current;
    if (!this.#opening) {
      this.#opening = this.#openGeneration()
        .then((g) => {
          this.#current = g;
          return g;
        })
        .finally(() => {
          this.#opening = undefined;
        });
    }
    return this.#opening;
  }

  async #openGeneration(): Promise<Generation> {
    const live = this.#live;
    const store = await openSandboxStore(live.store);
    try {
      await migrate(store);
      const deps = Object.freeze({
        store,
        clock: live.clock,
        ids: live.ids,
        log: live.log,
        secret: live.secret,
      });
      const g: Generation = {
        deps,
        worker: undefined,
        active: 0,
        drained: undefined,
        marks: {},
        syncedAt: 0,
        syncing: undefined,
      };
      await this.#syncNow(g);
      if (this.#closed) throw new Error('the sandbox is closed');
      g.worker = this.#opts.worker?.(deps);
      live.log.info({ dialect: store.dialect }, 'sandbox (test mode) opened');
      return g;
    } catch (e) {
      await store.close();
      throw e;
    }
  }

  async #syncIfDue(g: Generation): Promise<void> {
    const interval = this.#opts.syncIntervalMs ?? 1000;
    if (g.syncing) return g.syncing.catch(() => {});
    if (!this.#stale && Date.now() - g.syncedAt < interval) return;
    try {
      await this.#syncNow(g);
    } catch (err) {
      // Serve with the configuration mirrored so far; copy everything next time.
      this.#live.log.error({ err }, 'sandbox: mirroring live configuration failed');
      g.marks = {};
    }
  }

  #syncNow(g: Generation): Promise<void> {
    if (g.syncing) return g.syncing;
    this.#stale = false;
    g.syncing = (async () => {
      const r = await syncSandbox(this.#live, g.deps, g.marks);
      g.marks = r.marks;
      g.syncedAt = Date.now();
    })().finally(() => {
      g.syncing = undefined;
    });
    return g.syncing;
  }

  async #wipe(): Promise<void> {
    await this.#opening?.catch(() => {});
    const old = this.#current;
    this.#current = undefined;
    if (old) {
      if (old.active > 0) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, this.#opts.drainMs ?? 10_000);
          old.drained = () => {
            clearTimeout(t);
            resolve();
          };
        });
      }
      await this.#shut(old);
    }
    await dropSandboxStore(this.#live.store);
    this.#current = await this.#openGeneration();
    this.#live.log.info('sandbox (test mode) reset');
  }

  async #shut(g: Generation): Promise<void> {
    try {
      await g.worker?.stop();
    } finally {
      await g.deps.store.close();
    }
  }
}
