/**
 * A small client for Stripe Connect transfers (`/v1/transfers`), without the SDK.
 *
 * Wire format (docs.stripe.com/api/transfers/create, /api/transfers/list): form-encoded
 * bodies, `Authorization: Bearer sk_…`, amounts as integers in the currency's minor unit,
 * currency as lowercase ISO 4217. Errors are `{ error: { type, code?, message, param? } }`
 * with a `Request-Id` response header.
 *
 * Idempotency (docs.stripe.com/api/idempotent_requests, docs.stripe.com/error-low-level):
 * Stripe saves the status and body of the first request under an `Idempotency-Key` once the
 * endpoint starts executing, for at least 24 hours, and replays it (header
 * `Idempotent-Replayed: true`) to a retry with the same parameters; different parameters are
 * a 400 `idempotency_error`; a retry while the first is still executing is a 409
 * `idempotency_key_in_use`. A 500 IS saved and replayed, so a retry with the same key after a
 * 500 gets the same 500 back: Stripe says to treat a 500 as indeterminate. A 429 and most
 * validation 400s are not saved (they are answered before the idempotency layer).
 *
 * `create` makes exactly one HTTP attempt; retrying (with the same key) is the caller's job.
 */

/** The API version every request pins, so a dashboard upgrade cannot change the wire format. */
export const stripeApiVersion = '2024-06-20';

export interface StripeTransferRequest {
  /** Minor units; must be positive. */
  amount: bigint;
  /** ISO 4217, upper case as in Tandem; sent lower case. */
  currency: string;
  /** The connected account, `acct_…`. */
  destination: string;
  /** 1–255 characters; reuse it, with the same parameters, for every retry of this transfer. */
  idempotencyKey: string;
  transferGroup?: string;
  description?: string;
  /** Up to 50 keys of at most 40 characters (no square brackets), values up to 500. */
  metadata?: Record<string, string>;
}

export interface StripeTransfer {
  id: string;
  amount: bigint;
  /** Upper case. */
  currency: string;
  destination: string;
  /** Epoch seconds. */
  created: number;
  metadata: Record<string, string>;
  transferGroup: string | null;
  /** Stripe answered from its idempotency store: this transfer was created by an earlier attempt. */
  replayed: boolean;
}

/**
 * Why a call failed. `retryable: true` means the outcome is unknown or transient.
 *
 * - `timeout`, `network`: no answer; the transfer may exist. Retry with the same key.
 * - `server`: 5xx, 429, or 409 `idempotency_key_in_use` (the first attempt is still running).
 *   `status` tells which. After a 500 (`replayed` on the retry, `shouldRetry: false`), the same key
 *   will keep replaying that 500: reconcile with `listByGroup` before sending under a new key.
 * - `declined`: Stripe refused the money movement (e.g. `balance_insufficient`, unknown
 *   destination). Saved under the key: a retry with it returns the same refusal.
 * - `invalid`: a request Stripe (or this client, before sending) considers malformed.
 * - `auth`: the API key was refused (401) or lacks permission (403).
 * - `idempotency`: the key was used before with different parameters.
 */
export type StripeFailure =
  | {
      kind: 'timeout' | 'network' | 'server';
      retryable: true;
      message: string;
      status?: number;
      code?: string;
      requestId?: string;
      /** The response was a replay of a saved one (`Idempotent-Replayed: true`). */
      replayed?: boolean;
      /** Stripe's `Stripe-Should-Retry` header, when it sent one. */
      shouldRetry?: boolean;
    }
  | {
      kind: 'declined' | 'invalid' | 'auth' | 'idempotency';
      retryable: false;
      code: string;
      message: string;
      requestId?: string;
      status?: number;
      param?: string;
      replayed?: boolean;
    };

export class StripeRailError extends Error {
  readonly failure: StripeFailure;
  constructor(failure: StripeFailure) {
    super(failure.message);
    this.name = 'StripeRailError';
    this.failure = failure;
  }
}

export function isStripeRailError(e: unknown): e is StripeRailError {
  return e instanceof StripeRailError;
}

export interface StripeTransfersOptions {
  apiKey: string;
  /** Default `https://api.stripe.com`. */
  baseUrl?: string;
  /** Per HTTP attempt, headers and body included. Default 10 000. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface StripeTransfers {
  create(req: StripeTransferRequest): Promise<StripeTransfer>;
  retrieve(id: string): Promise<StripeTransfer>;
  /** Every transfer of a `transfer_group`, newest first (all pages). */
  listByGroup(group: string): Promise<StripeTransfer[]>;
}

/**
 * Codes that mean "Stripe will not move this money", as opposed to "the request is malformed".
 * `balance_insufficient` is documented for transfers (docs.stripe.com/error-codes); the others
 * are assumed to apply to transfers as well.
 */
const declineCodes = new Set([
  'balance_insufficient',
  'insufficient_funds',
  'transfers_not_allowed',
  'account_invalid',
]);

export function stripeTransfers(opts: StripeTransfersOptions): StripeTransfers {
  const baseUrl = (opts.baseUrl ?? 'https://api.stripe.com').replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const doFetch = opts.fetch ?? fetch;
  const apiKey = opts.apiKey;

  async function send(
    method: 'GET' | 'POST',
    path: string,
    init: { form?: string; idempotencyKey?: string } = {},
  ): Promise<{ json: unknown; replayed: boolean }> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${apiKey}`,
      'stripe-version': stripeApiVersion,
      accept: 'application/json',
    };
    if (init.form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    if (init.idempotencyKey !== undefined) headers['idempotency-key'] = init.idempotencyKey;

    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      let res: Response;
      let text: string;
      try {
        res = await doFetch(`${baseUrl}${path}`, {
          method,
          headers,
          ...(init.form === undefined ? {} : { body: init.form }),
          signal: controller.signal,
        });
        text = await res.text();
      } catch (e) {
        throw transportError(e, controller.signal.aborted, timeoutMs);
      }
      const requestId = res.headers.get('request-id') ?? undefined;
      const replayed = res.headers.get('idempotent-replayed') === 'true';
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      if (res.status >= 200 && res.status < 300) {
        if (json === undefined) {
          throw new StripeRailError({
            kind: 'server',
            retryable: true,
            status: res.status,
            message: `Stripe answered ${res.status} with a body that is not JSON`,
            ...(requestId ? { requestId } : {}),
          });
        }
        return { json, replayed };
      }
      const shouldRetryHeader = res.headers.get('stripe-should-retry');
      throw new StripeRailError(
        classify(res.status, json, {
          requestId,
          replayed,
          shouldRetry: shouldRetryHeader === null ? undefined : shouldRetryHeader === 'true',
        }),
      );
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async create(req) {
      const form = encodeTransferForm(req);
      const { json, replayed } = await send('POST', '/v1/transfers', {
        form,
        idempotencyKey: req.idempotencyKey,
      });
      return parseTransfer(json, replayed);
    },

    async retrieve(id) {
      const { json } = await send('GET', `/v1/transfers/${encodeURIComponent(id)}`);
      return parseTransfer(json, false);
    },

    async listByGroup(group) {
      const out: StripeTransfer[] = [];
      let startingAfter: string | undefined;
      for (;;) {
        const q = new URLSearchParams({ transfer_group: group, limit: '100' });
        if (startingAfter !== undefined) q.set('starting_after', startingAfter);
        const { json } = await send('GET', `/v1/transfers?${q.toString()}`);
        const page = parseList(json);
        out.push(...page.data);
        const last = page.data.at(-1);
        if (!page.hasMore || last === undefined) return out;
        startingAfter = last.id;
      }
    },
  };
}

function transportError(e: unknown, aborted: boolean, timeoutMs: number): StripeRailError {
  if (aborted) {
    return new StripeRailError({
      kind: 'timeout',
      retryable: true,
      message: `Stripe did not answer within ${timeoutMs} ms`,
    });
  }
  // undici reports "fetch failed" with the socket error (ECONNRESET, UND_ERR_SOCKET…) as cause.
  const cause = e instanceof Error && e.cause instanceof Error ? e.cause : undefined;
  const code = (cause as { code?: unknown } | undefined)?.code;
  const detail = [typeof code === 'string' ? code : undefined, cause?.message]
    .filter(Boolean)
    .join(': ');
  const base = e instanceof Error ? e.message : String(e);
  return new StripeRailError({
    kind: 'network',
    retryable: true,
    message: `connection to Stripe failed: ${detail ? `${base} (${detail})` : base}`,
  });
}

interface StripeErrorBody {
  type?: string;
  code?: string;
  message?: string;
  param?: string;
}

function classify(
  status: number,
  json: unknown,
  meta: { requestId: string | undefined; replayed: boolean; shouldRetry: boolean | undefined },
): StripeFailure {
  const err: StripeErrorBody =
    typeof json === 'object' && json !== null && 'error' in json && typeof json.error === 'object'
      ? ((json.error ?? {}) as StripeErrorBody)
      : {};
  const type = typeof err.type === 'string' ? err.type : undefined;
  const code = typeof err.code === 'string' ? err.code : undefined;
  const param = typeof err.param === 'string' ? err.param : undefined;
  const stripeMessage = typeof err.message === 'string' ? err.message : `HTTP ${status}`;
  const extra = {
    status,
    ...(meta.requestId ? { requestId: meta.requestId } : {}),
    ...(meta.replayed ? { replayed: true } : {}),
  };

  if (status >= 500 || status === 429 || status === 409) {
    return {
      kind: 'server',
      retryable: true,
      message: stripeMessage,
      ...(code ? { code } : {}),
      ...(meta.shouldRetry === undefined ? {} : { shouldRetry: meta.shouldRetry }),
      ...extra,
    };
  }
  if (status === 401 || status === 403) {
    // Stripe's 401 message quotes part of the key ("Invalid API Key provided: sk_test_****abcd").
    return {
      kind: 'auth',
      retryable: false,
      code: code ?? (status === 401 ? 'authentication_failed' : 'permission_denied'),
      message:
        status === 401 ? 'Stripe refused the API key' : 'the API key may not perform this request',
      ...extra,
    };
  }
  if (type === 'idempotency_error') {
    return {
      kind: 'idempotency',
      retryable: false,
      code: code ?? 'idempotency_error',
      message: stripeMessage,
      ...extra,
    };
  }
  const isDecline =
    (status === 400 || status === 402) &&
    (type === 'card_error' ||
      (code !== undefined && declineCodes.has(code)) ||
      (code === 'resource_missing' && param === 'destination'));
  return {
    kind: isDecline ? 'declined' : 'invalid',
    retryable: false,
    code: code ?? type ?? `http_${status}`,
    message: stripeMessage,
    ...(param ? { param } : {}),
    ...extra,
  };
}

function invalid(code: string, message: string): StripeRailError {
  return new StripeRailError({ kind: 'invalid', retryable: false, code, message });
}

/**
 * The form body, encoded like stripe-node: `application/x-www-form-urlencoded` with the
 * brackets of `metadata[key]` left literal (the server accepts both).
 */
export function encodeTransferForm(req: StripeTransferRequest): string {
  if (req.amount <= 0n || req.amount > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw invalid('amount_invalid', `amount must be a positive integer, got ${req.amount}`);
  }
  if (!/^[A-Za-z]{3}$/.test(req.currency)) {
    throw invalid('currency_invalid', `currency must be a three-letter ISO code`);
  }
  if (!/^acct_[A-Za-z0-9]+$/.test(req.destination)) {
    throw invalid('destination_invalid', 'destination must be a connected account id (acct_…)');
  }
  if (req.idempotencyKey.length === 0 || req.idempotencyKey.length > 255) {
    throw invalid('idempotency_key_invalid', 'idempotency key must have 1 to 255 characters');
  }
  const pairs: [string, string][] = [
    ['amount', req.amount.toString()],
    ['currency', req.currency.toLowerCase()],
    ['destination', req.destination],
  ];
  if (req.transferGroup !== undefined) pairs.push(['transfer_group', req.transferGroup]);
  if (req.description !== undefined) pairs.push(['description', req.description]);
  const metadata = Object.entries(req.metadata ?? {});
  if (metadata.length > 50) throw invalid('metadata_invalid', 'metadata has more than 50 keys');
  for (const [key, value] of metadata) {
    // Assumed from Stripe's metadata guide: keys may not contain square brackets.
    if (key.length === 0 || key.length > 40 || /[[\]]/.test(key) || value.length > 500) {
      throw invalid('metadata_invalid', `metadata key "${key}" or its value is not accepted`);
    }
    pairs.push([`metadata[${key}]`, value]);
  }
  return pairs
    .map(([k, v]) => `${formEncode(k).replace(/%5B/g, '[').replace(/%5D/g, ']')}=${formEncode(v)}`)
    .join('&');
}

function formEncode(s: string): string {
  return new URLSearchParams([['', s]]).toString().slice(1);
}

function parseTransfer(json: unknown, replayed: boolean): StripeTransfer {
  const t = json as Record<string, unknown> | null;
  const ok =
    typeof t === 'object' &&
    t !== null &&
    t.object === 'transfer' &&
    typeof t.id === 'string' &&
    Number.isSafeInteger(t.amount) &&
    typeof t.currency === 'string' &&
    typeof t.destination === 'string' &&
    typeof t.created === 'number' &&
    (t.transfer_group === null || typeof t.transfer_group === 'string');
  if (!ok) {
    throw new StripeRailError({
      kind: 'server',
      retryable: true,
      message: 'Stripe answered with something that is not a transfer',
    });
  }
  const metadata: Record<string, string> = {};
  if (typeof t.metadata === 'object' && t.metadata !== null) {
    for (const [k, v] of Object.entries(t.metadata)) if (typeof v === 'string') metadata[k] = v;
  }
  return {
    id: t.id as string,
    amount: BigInt(t.amount as number),
    currency: (t.currency as string).toUpperCase(),
    destination: t.destination as string,
    created: t.created as number,
    metadata,
    transferGroup: (t.transfer_group as string | null) ?? null,
    replayed,
  };
}

function parseList(json: unknown): { data: StripeTransfer[]; hasMore: boolean } {
  const l = json as { object?: unknown; data?: unknown; has_more?: unknown } | null;
  if (typeof l !== 'object' || l === null || l.object !== 'list' || !Array.isArray(l.data)) {
    throw new StripeRailError({
      kind: 'server',
      retryable: true,
      message: 'Stripe answered with something that is not a list',
    });
  }
  return { data: l.data.map((t) => parseTransfer(t, false)), hasMore: l.has_more === true };
}
