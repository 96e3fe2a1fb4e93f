import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A local stand-in for Stripe's transfers API (`POST /v1/transfers`, `GET /v1/transfers`,
 * `GET /v1/transfers/:id`), speaking the same wire format, with state in memory.
 *
 * Idempotency follows docs.stripe.com/api/idempotent_requests and docs.stripe.com/error-low-level:
 * - keyed by (API key, `Idempotency-Key`); a result is saved once the endpoint starts executing,
 *   whatever it is — a 200, a 400 decline, and a 500 too;
 * - a retry with the same parameters gets the saved status and body back, with
 *   `Idempotent-Replayed: true`; different parameters get a 400 `idempotency_error`;
 * - a retry while the first request is still executing gets a 409 `idempotency_key_in_use`;
 * - nothing is saved for what is answered before execution: a 401, a 429 (rate limiters run
 *   before the idempotency layer), a request that fails parameter validation.
 * Keys never expire here (Stripe prunes them after at least 24 hours).
 */

export type StripeFault =
  /** Accept the request and never answer (hold the socket until close). No transfer, nothing saved. */
  | 'timeout'
  /** 429 `rate_limit`, answered before the idempotency layer: not saved, a retry runs afresh. */
  | 'rate_limited'
  /** 500 `api_error`, no transfer. Saved under the key like Stripe does: a retry gets it again. */
  | 'server_error'
  /** 400 `balance_insufficient`, no transfer. Saved under the key. */
  | 'declined'
  /** Make the transfer, save the 200, then destroy the socket without answering. */
  | 'lost_after_create'
  /** Make the transfer, save the 200, then never answer (hold the socket until close). */
  | 'timeout_after_create'
  /** Make the transfer, answer (and save) after `slowMs`; meanwhile the key is in use (409). */
  | 'slow';

/** Faults that strike before the idempotency layer; the others strike when a create executes. */
const beforeIdempotency: ReadonlySet<StripeFault> = new Set(['timeout', 'rate_limited']);

export interface StripeTransferJson {
  id: string;
  object: 'transfer';
  amount: number;
  amount_reversed: number;
  balance_transaction: string;
  created: number;
  currency: string;
  description: string | null;
  destination: string;
  destination_payment: string;
  livemode: boolean;
  metadata: Record<string, string>;
  reversals: { object: 'list'; data: never[]; has_more: false; total_count: 0; url: string };
  reversed: boolean;
  source_transaction: null;
  source_type: 'card';
  transfer_group: string | null;
}

export interface FakeStripeRequest {
  method: string;
  /** Without the query string. */
  path: string;
  query: Record<string, string>;
  idempotencyKey?: string;
  authorization?: string;
  stripeVersion?: string;
  contentType?: string;
  /** The body as sent, e.g. `amount=100&currency=usd&metadata[k]=v`. */
  rawBody: string;
  /** The decoded form, flat: `{ amount: '100', 'metadata[k]': 'v' }`. */
  body: Record<string, string>;
}

export interface FakeStripe {
  url: string;
  /** Every transfer ever created, oldest first. */
  transfers(): StripeTransferJson[];
  /** Every request received, oldest first. */
  requests(): FakeStripeRequest[];
  /**
   * Fault the next `times` creates. `timeout` and `rate_limited` strike the next create to
   * arrive; the others strike the next create that executes (a replay does not execute).
   */
  failNext(fault: StripeFault, times?: number): void;
  /** Fault every create whose form body matches, e.g. decline one destination. Returns an undo. */
  failWhen(pred: (body: Record<string, string>) => boolean, fault: StripeFault): () => void;
  /** Resolves once every create that is still executing (`slow`) has answered. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export interface FakeStripeOptions {
  /** The one valid secret key; default `sk_test_tandem`. Any other key gets a 401. */
  apiKey?: string;
  /** How long a `slow` create takes; default 1000 ms. */
  slowMs?: number;
  /** Connected accounts that exist; default: any `acct_…` id does. */
  accounts?: string[];
}

interface Saved {
  fingerprint: string;
  /** Still executing: a retry now gets a 409. */
  done: boolean;
  status: number;
  body: string;
  headers: Record<string, string>;
}

const transferParams = new Set([
  'amount',
  'currency',
  'destination',
  'transfer_group',
  'description',
  'source_transaction',
  'source_type',
]);

export async function startFakeStripe(opts: FakeStripeOptions = {}): Promise<FakeStripe> {
  const apiKey = opts.apiKey ?? 'sk_test_tandem';
  const slowMs = opts.slowMs ?? 1000;
  const accounts = opts.accounts === undefined ? undefined : new Set(opts.accounts);

  const created: StripeTransferJson[] = [];
  const seen: FakeStripeRequest[] = [];
  const saved = new Map<string, Saved>();
  const queue: StripeFault[] = [];
  const rules: { pred: (body: Record<string, string>) => boolean; fault: StripeFault }[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const executing = new Set<Promise<void>>();
  let lastCreated = 0;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        handle(req, res, Buffer.concat(chunks).toString('utf8'));
      } catch (e) {
        send(res, 500, apiError(`fake-stripe: ${e instanceof Error ? e.message : String(e)}`));
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  function handle(req: IncomingMessage, res: ServerResponse, rawBody: string) {
    const url = new URL(req.url ?? '/', 'http://fake-stripe');
    const record: FakeStripeRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      rawBody,
      body: Object.fromEntries(new URLSearchParams(rawBody)),
      ...header(req, 'idempotency-key', 'idempotencyKey'),
      ...header(req, 'authorization', 'authorization'),
      ...header(req, 'stripe-version', 'stripeVersion'),
      ...header(req, 'content-type', 'contentType'),
    };
    seen.push(record);

    const key = bearer(record.authorization);
    if (key === undefined) {
      return send(res, 401, {
        error: {
          type: 'invalid_request_error',
          message:
            "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
        },
      });
    }
    if (key !== apiKey) {
      return send(res, 401, {
        error: {
          type: 'invalid_request_error',
          message: `Invalid API Key provided: ${key.slice(0, 8)}****${key.slice(-4)}`,
        },
      });
    }

    if (record.method === 'POST' && record.path === '/v1/transfers') {
      return create(res, record, key);
    }
    if (record.method === 'GET' && record.path === '/v1/transfers') return list(res, record);
    const one = /^\/v1\/transfers\/([^/]+)$/.exec(record.path);
    if (record.method === 'GET' && one) {
      const id = decodeURIComponent(one[1]!);
      const t = created.find((x) => x.id === id);
      if (!t) {
        return send(
          res,
          404,
          invalidRequest(`No such transfer: '${id}'`, 'resource_missing', 'id'),
        );
      }
      return send(res, 200, t);
    }
    return send(
      res,
      404,
      invalidRequest(`Unrecognized request URL (${record.method}: ${record.path}).`),
    );
  }

  function create(res: ServerResponse, r: FakeStripeRequest, key: string) {
    const early = takeFault(r.body, 'arrival');
    if (early === 'timeout') return; // hold the socket; close() destroys it
    if (early === 'rate_limited') {
      return send(
        res,
        429,
        invalidRequest(
          'Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.',
          'rate_limit',
        ),
      );
    }

    const slot = r.idempotencyKey === undefined ? undefined : `${key}\u0000${r.idempotencyKey}`;
    const fingerprint = JSON.stringify([
      r.method,
      r.path,
      Object.entries(r.body).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    ]);
    const previous = slot === undefined ? undefined : saved.get(slot);
    if (previous) {
      if (previous.fingerprint !== fingerprint) {
        return send(res, 400, {
          error: {
            type: 'idempotency_error',
            message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${r.idempotencyKey}' if you meant to execute a different request.`,
          },
        });
      }
      if (!previous.done) {
        return send(
          res,
          409,
          invalidRequest(
            `There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): ${r.idempotencyKey}. Please try again later.`,
            'idempotency_key_in_use',
          ),
        );
      }
      return sendRaw(res, previous.status, previous.body, {
        ...previous.headers,
        'idempotent-replayed': 'true',
      });
    }

    const problem = validate(r.body);
    if (problem) return send(res, 400, problem);

    // From here the endpoint executes: whatever it answers is saved under the key.
    const entry: Saved = { fingerprint, done: false, status: 0, body: '', headers: {} };
    if (slot !== undefined) saved.set(slot, entry);
    const save = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      entry.done = true;
      entry.status = status;
      entry.body = JSON.stringify(payload);
      entry.headers = headers;
      if (r.idempotencyKey !== undefined) entry.headers['idempotency-key'] = r.idempotencyKey;
    };

    const fault = takeFault(r.body, 'execution');
    if (fault === 'server_error') {
      save(500, apiError('An unknown error occurred'), { 'stripe-should-retry': 'false' });
      return sendRaw(res, entry.status, entry.body, entry.headers);
    }
    if (fault === 'declined') {
      save(
        400,
        invalidRequest(
          'You have insufficient available funds in your Stripe account. Try adding funds directly to your available balance by creating Charges using the 4000000000000077 test card.',
          'balance_insufficient',
        ),
      );
      return sendRaw(res, entry.status, entry.body, entry.headers);
    }

    const transfer = makeTransfer(r.body);
    if (fault === 'slow') {
      let done!: () => void;
      const finished = new Promise<void>((resolve) => {
        done = resolve;
      });
      executing.add(finished);
      const timer = setTimeout(() => {
        timers.delete(timer);
        save(200, transfer);
        if (!res.destroyed) sendRaw(res, entry.status, entry.body, entry.headers);
        executing.delete(finished);
        done();
      }, slowMs);
      timers.add(timer);
      return;
    }
    save(200, transfer);
    if (fault === 'lost_after_create') {
      res.socket?.destroy();
      return;
    }
    if (fault === 'timeout_after_create') return;
    return sendRaw(res, entry.status, entry.body, entry.headers);
  }

  function list(res: ServerResponse, r: FakeStripeRequest) {
    const limit = r.query.limit === undefined ? 10 : Number(r.query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      return send(
        res,
        400,
        invalidRequest(
          'Invalid integer: limit must be between 1 and 100',
          'parameter_invalid_integer',
          'limit',
        ),
      );
    }
    let all = [...created].reverse(); // newest first, like Stripe
    const group = r.query.transfer_group;
    if (group !== undefined) all = all.filter((t) => t.transfer_group === group);
    const destination = r.query.destination;
    if (destination !== undefined) all = all.filter((t) => t.destination === destination);
    const after = r.query.starting_after;
    if (after !== undefined) {
      const at = all.findIndex((t) => t.id === after);
      all = at < 0 ? [] : all.slice(at + 1);
    }
    return send(res, 200, {
      object: 'list',
      url: '/v1/transfers',
      has_more: all.length > limit,
      data: all.slice(0, limit),
    });
  }

  function validate(body: Record<string, string>): unknown {
    for (const name of Object.keys(body)) {
      if (!transferParams.has(name) && !/^metadata\[[^[\]]+\]$/.test(name)) {
        return invalidRequest(`Received unknown parameter: ${name}`, 'parameter_unknown', name);
      }
    }
    for (const name of ['amount', 'currency', 'destination']) {
      if (body[name] === undefined || body[name] === '') {
        return invalidRequest(`Missing required param: ${name}.`, 'parameter_missing', name);
      }
    }
    if (!/^[1-9][0-9]*$/.test(body.amount!)) {
      return invalidRequest(
        `Invalid integer: ${body.amount}`,
        'parameter_invalid_integer',
        'amount',
      );
    }
    if (!/^[a-z]{3}$/.test(body.currency!)) {
      return invalidRequest(`Invalid currency: ${body.currency}`, 'parameter_invalid', 'currency');
    }
    const dest = body.destination!;
    if (!dest.startsWith('acct_') || (accounts !== undefined && !accounts.has(dest))) {
      return invalidRequest(`No such destination: '${dest}'`, 'resource_missing', 'destination');
    }
    return undefined;
  }

  function makeTransfer(body: Record<string, string>): StripeTransferJson {
    const id = `tr_${token(24)}`;
    const metadata: Record<string, string> = {};
    for (const [k, v] of Object.entries(body)) {
      const m = /^metadata\[(.+)\]$/.exec(k);
      if (m) metadata[m[1]!] = v;
    }
    // Stripe's `created` has one-second resolution; keep it non-decreasing here.
    lastCreated = Math.max(lastCreated, Math.floor(Date.now() / 1000));
    const t: StripeTransferJson = {
      id,
      object: 'transfer',
      amount: Number(body.amount),
      amount_reversed: 0,
      balance_transaction: `txn_${token(24)}`,
      created: lastCreated,
      currency: body.currency!,
      description: body.description ?? null,
      destination: body.destination!,
      destination_payment: `py_${token(24)}`,
      livemode: !apiKey.startsWith('sk_test_'),
      metadata,
      reversals: {
        object: 'list',
        data: [],
        has_more: false,
        total_count: 0,
        url: `/v1/transfers/${id}/reversals`,
      },
      reversed: false,
      source_transaction: null,
      source_type: 'card',
      transfer_group: body.transfer_group ?? null,
    };
    created.push(t);
    return t;
  }

  function takeFault(
    body: Record<string, string>,
    stage: 'arrival' | 'execution',
  ): StripeFault | undefined {
    const inStage = (f: StripeFault) => beforeIdempotency.has(f) === (stage === 'arrival');
    const head = queue[0];
    if (head !== undefined && inStage(head)) return queue.shift();
    return rules.find((rule) => inStage(rule.fault) && rule.pred(body))?.fault;
  }

  return {
    url: `http://127.0.0.1:${port}`,
    transfers: () => created.map((t) => structuredClone(t)),
    requests: () => seen.map((r) => structuredClone(r)),
    failNext(fault, times = 1) {
      for (let i = 0; i < times; i++) queue.push(fault);
    },
    failWhen(pred, fault) {
      const rule = { pred, fault };
      rules.push(rule);
      return () => {
        const at = rules.indexOf(rule);
        if (at >= 0) rules.splice(at, 1);
      };
    },
    async settled() {
      await Promise.all([...executing]);
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve, reject) =>
        server.close((e) => (e ? reject(e) : resolve())),
      );
    },
  };
}

function header<K extends keyof FakeStripeRequest>(
  req: IncomingMessage,
  name: string,
  as: K,
): Partial<Pick<FakeStripeRequest, K>> {
  const v = req.headers[name];
  const value = Array.isArray(v) ? v[0] : v;
  return value === undefined ? {} : ({ [as]: value } as Partial<Pick<FakeStripeRequest, K>>);
}

/** Stripe accepts `Bearer sk_…` and HTTP Basic with the key as user name (`curl -u sk_…:`). */
function bearer(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const [scheme, value] = authorization.split(' ', 2);
  if (!value) return undefined;
  if (scheme?.toLowerCase() === 'bearer') return value;
  if (scheme?.toLowerCase() === 'basic') {
    return Buffer.from(value, 'base64').toString('utf8').split(':')[0] || undefined;
  }
  return undefined;
}

function invalidRequest(message: string, code?: string, param?: string) {
  return {
    error: {
      type: 'invalid_request_error',
      message,
      ...(code ? { code } : {}),
      ...(param ? { param } : {}),
    },
  };
}

function apiError(message: string) {
  return { error: { type: 'api_error', message } };
}

function send(res: ServerResponse, status: number, payload: unknown): void {
  sendRaw(res, status, JSON.stringify(payload), {});
}

function sendRaw(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string>,
): void {
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'request-id': `req_${token(14)}`,
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
function token(n: number): string {
  let s = '';
  for (const b of randomBytes(n)) s += alphabet[b % alphabet.length];
  return s;
}
