import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CliError, type CliIo } from './cli-io.js';

export const DEFAULT_URL = 'http://localhost:3000';
/** Backoff before each retry of a request that failed on the network or with a 5xx/429. */
export const DEFAULT_RETRY_DELAYS_MS = [500, 1_000, 2_000, 4_000, 8_000] as const;
const REQUEST_TIMEOUT_MS = 120_000;

/** One problem of an application/problem+json answer, by path. */
export interface ProblemIssue {
  path: string;
  message: string;
}

/** An error answer of the API: its stable `code`, what it says, and the problems by path. */
export class ApiError extends CliError {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly issues: readonly ProblemIssue[];
  /** From a Retry-After header, if the server sent one. */
  readonly retryAfterMs: number | undefined;
  constructor(
    status: number,
    code: string,
    detail: string,
    issues: readonly ProblemIssue[],
    opts: { hints?: readonly string[]; retryAfterMs?: number | undefined } = {},
  ) {
    const lines = issues.map((i) => `${i.path}: ${i.message}`);
    // Validation details often just repeat the issues, which are printed one per line below.
    const repeats = lines.length > 0 && detail === lines.join('; ');
    super(`${code}${repeats ? '' : `: ${detail}`} (HTTP ${status})`, {
      lines: [...lines, ...(opts.hints ?? [])],
    });
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.issues = issues;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

/** The request never got an answer (connection refused, DNS, reset, timeout). */
export class NetworkError extends CliError {
  constructor(message: string) {
    super(message);
    this.name = 'NetworkError';
  }
}

export interface ApiResponse<T> {
  status: number;
  body: T;
  /** True when the server answered a retried write from its idempotency record. */
  replayed: boolean;
}

export interface RequestOptions {
  body?: unknown;
  idempotencyKey?: string;
  /**
   * Retry on network errors, 5xx and 429. Default: for GET and for writes
   * that carry an idempotency key, which the server answers once.
   */
  retry?: boolean;
  /** Called before each retry, e.g. to tell the user. */
  onRetry?: (attempt: number, reason: string, delayMs: number) => void;
}

/** Where the API is and which key to send, from flags, then the environment, then the key file. */
export interface ConnectionOptions {
  url?: string | undefined;
  key?: string | undefined;
}

/**
 * A small client of the Tandem HTTP API: JSON in and out, the API key as a
 * bearer token, problem+json answers turned into `ApiError`, and retries with
 * backoff where a retry cannot do anything twice.
 */
export class ApiClient {
  readonly baseUrl: string;
  private readonly key: string;
  private readonly keySource: string;
  private readonly retryDelaysMs: readonly number[];

  constructor(
    baseUrl: string,
    key: string,
    opts: { keySource?: string; retryDelaysMs?: readonly number[] } = {},
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.key = key;
    this.keySource = opts.keySource ?? 'the --key option';
    this.retryDelaysMs = opts.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  }

  /** Connects with `--url`/`TANDEM_URL` and `--key`/`TANDEM_API_KEY`/the admin key file. */
  static connect(opts: ConnectionOptions, io: CliIo): ApiClient {
    const url = opts.url ?? io.env.TANDEM_URL ?? DEFAULT_URL;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new CliError(`--url must be an http(s) URL such as ${DEFAULT_URL}; got "${url}"`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw new CliError(`--url must be an http(s) URL such as ${DEFAULT_URL}; got "${url}"`);
    const { key, source } = resolveKey(opts, io);
    return new ApiClient(url, key, {
      keySource: source,
      ...(io.retryDelaysMs ? { retryDelaysMs: io.retryDelaysMs } : {}),
    });
  }

  get<T>(path: string, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
    return this.request<T>('GET', path, opts);
  }

  post<T>(path: string, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
    return this.request<T>('POST', path, opts);
  }

  async request<T>(
    method: string,
    path: string,
    opts: RequestOptions = {},
  ): Promise<ApiResponse<T>> {
    const retry = opts.retry ?? (method === 'GET' || opts.idempotencyKey !== undefined);
    const delays = retry ? this.retryDelaysMs : [];
    for (let attempt = 0; ; attempt++) {
      let failure: { reason: string; error: CliError; retryAfterMs?: number };
      try {
        return await this.once<T>(method, path, opts);
      } catch (e) {
        if (e instanceof ApiError && (e.status >= 500 || e.status === 429)) {
          failure = { reason: `HTTP ${e.status} ${e.code}`, error: e };
          if (e.retryAfterMs !== undefined) failure.retryAfterMs = e.retryAfterMs;
        } else if (e instanceof NetworkError) {
          failure = { reason: e.message, error: e };
        } else {
          throw e;
        }
      }
      const delay = delays[attempt];
      if (delay === undefined) throw failure.error;
      const wait = Math.min(Math.max(delay, failure.retryAfterMs ?? 0), 60_000);
      opts.onRetry?.(attempt + 1, failure.reason, wait);
      await sleep(wait);
    }
  }

  private async once<T>(
    method: string,
    path: string,
    opts: RequestOptions,
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.key}`,
      accept: 'application/json, application/problem+json',
    };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      text = await response.text();
    } catch (e) {
      throw new NetworkError(this.describeNetworkError(e));
    }
    let body: unknown;
    try {
      body = text.length ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (!response.ok) throw this.apiError(response, body, text);
    return {
      status: response.status,
      body: body as T,
      replayed: response.headers.get('idempotent-replayed') === 'true',
    };
  }

  /**
   * Sends one request and returns the 2xx response with its body unread, for answers that
   * stream (NDJSON progress lines); an error answer becomes an `ApiError` as in `request`.
   * Not retried and without the request timeout: the caller reads for as long as lines come.
   */
  async stream(
    method: string,
    path: string,
    opts: { body?: unknown; accept: string },
  ): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.key}`,
          accept: `${opts.accept}, application/problem+json`,
          ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
      });
    } catch (e) {
      throw new NetworkError(this.describeNetworkError(e));
    }
    if (response.ok) return response;
    const text = await response.text().catch(() => '');
    let body: unknown;
    try {
      body = text.length ? JSON.parse(text) : undefined;
    } catch {}
    throw this.apiError(response, body, text);
  }

  private apiError(response: Response, body: unknown, text: string): ApiError {
    const p = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const code = typeof p.code === 'string' ? p.code : `http_${response.status}`;
    const detail =
      typeof p.detail === 'string'
        ? p.detail
        : text.trim().slice(0, 200) || response.statusText || 'no details';
    const issues = Array.isArray(p.issues)
      ? p.issues
          .filter((i): i is Record<string, unknown> => typeof i === 'object' && i !== null)
          .map((i) => ({ path: String(i.path ?? '(root)'), message: String(i.message ?? '') }))
      : [];
    const retryAfter = Number(response.headers.get('retry-after'));
    return new ApiError(response.status, code, detail, issues, {
      hints: response.status === 401 ? [`the API key came from ${this.keySource}`] : [],
      retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
    });
  }

  private describeNetworkError(e: unknown): string {
    const err = e as {
      name?: string;
      message?: string;
      cause?: { code?: string; message?: string };
    };
    if (err?.name === 'TimeoutError')
      return `Tandem at ${this.baseUrl} did not answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
    const why = err?.cause?.code ?? err?.cause?.message ?? err?.message ?? String(e);
    return `cannot reach Tandem at ${this.baseUrl} (${why}): is the server running (npm start)? Set the address with --url or TANDEM_URL`;
  }
}

function resolveKey(opts: ConnectionOptions, io: CliIo): { key: string; source: string } {
  if (opts.key) return { key: opts.key, source: 'the --key option' };
  if (io.env.TANDEM_API_KEY) return { key: io.env.TANDEM_API_KEY, source: 'TANDEM_API_KEY' };
  const file = resolve(
    io.cwd ?? process.cwd(),
    io.env.TANDEM_DATA_DIR || './data',
    'admin-api-key',
  );
  if (existsSync(file)) {
    const key = readFileSync(file, 'utf8').trim();
    if (key) return { key, source: file };
  }
  throw new CliError('no API key', {
    lines: [
      'pass --key KEY, or set TANDEM_API_KEY,',
      `or start the server once (npm start writes the admin key to ${file})`,
    ],
  });
}

/** `/v1/programs/{key}` with each segment encoded. */
export function apiPath(strings: TemplateStringsArray, ...values: string[]): string {
  return strings.reduce(
    (out, s, i) => out + s + (i < values.length ? encodeURIComponent(values[i] as string) : ''),
    '',
  );
}
