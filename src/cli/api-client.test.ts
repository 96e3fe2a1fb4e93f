import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient, ApiError } from './api-client.js';
import { captureIo } from './capture-io.js';
import { run } from './main.js';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

let server: Server | undefined;
afterEach(async () => {
  await new Promise((done) => server?.close(done) ?? done(undefined));
  server = undefined;
});

/** A stand-in API that answers from a script, one handler per request, recording what it got. */
async function fakeApi(handlers: Handler[]) {
  const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] =
    [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const handler = handlers[Math.min(seen.length - 1, handlers.length - 1)] as Handler;
      handler(req, body, res);
    });
  });
  await new Promise<void>((done) => server?.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen };
}

const json =
  (status: number, body: unknown, type = 'application/json'): Handler =>
  (_req, _body, res) => {
    res.writeHead(status, { 'content-type': type });
    res.end(JSON.stringify(body));
  };
const problem = (status: number, code: string, detail: string) =>
  json(
    status,
    { type: `urn:tandem:error:${code}`, status, code, detail },
    'application/problem+json',
  );

describe('ApiClient', () => {
  it('sends the key as a bearer token and JSON bodies', async () => {
    const api = await fakeApi([json(200, { ok: true })]);
    const client = new ApiClient(`${api.url}/`, 'tdm_a_secret');
    const r = await client.post('/v1/things', { body: { a: 1 }, idempotencyKey: 'k1' });
    expect(r.body).toEqual({ ok: true });
    expect(api.seen[0]?.url).toBe('/v1/things');
    expect(api.seen[0]?.headers.authorization).toBe('Bearer tdm_a_secret');
    expect(api.seen[0]?.headers['idempotency-key']).toBe('k1');
    expect(JSON.parse(api.seen[0]?.body ?? '')).toEqual({ a: 1 });
  });

  it('retries a 5xx with backoff and returns the answer that finally came', async () => {
    const api = await fakeApi([
      problem(503, 'internal_error', 'busy'),
      problem(502, 'internal_error', 'busy'),
      json(200, { ok: 2 }),
    ]);
    const retries: string[] = [];
    const client = new ApiClient(api.url, 'k', { retryDelaysMs: [1, 1, 1] });
    const r = await client.post('/v1/events', {
      body: {},
      retry: true,
      onRetry: (n, why) => retries.push(`${n} ${why}`),
    });
    expect(r.body).toEqual({ ok: 2 });
    expect(retries).toEqual(['1 HTTP 503 internal_error', '2 HTTP 502 internal_error']);
  });

  it('gives up after the last retry with the last error', async () => {
    const api = await fakeApi([problem(500, 'internal_error', 'down')]);
    const client = new ApiClient(api.url, 'k', { retryDelaysMs: [1, 1] });
    await expect(client.get('/v1/x')).rejects.toMatchObject({
      status: 500,
      code: 'internal_error',
    });
    expect(api.seen).toHaveLength(3);
  });

  it('does not retry a 4xx, nor a write without an idempotency key', async () => {
    const api = await fakeApi([problem(422, 'invalid_program', 'no'), problem(503, 'x', 'y')]);
    const client = new ApiClient(api.url, 'k', { retryDelaysMs: [1, 1] });
    await expect(client.get('/v1/x')).rejects.toBeInstanceOf(ApiError);
    await expect(client.post('/v1/api-keys', { body: {} })).rejects.toMatchObject({ status: 503 });
    expect(api.seen).toHaveLength(2);
  });

  it('turns an error page that is not problem+json into a readable error', async () => {
    const api = await fakeApi([
      (_req, _body, res) => {
        res.writeHead(404, { 'content-type': 'text/html' });
        res.end('<h1>Not Found</h1>');
      },
    ]);
    const client = new ApiClient(api.url, 'k');
    await expect(client.get('/v1/x')).rejects.toMatchObject({
      code: 'http_404',
      message: 'http_404: <h1>Not Found</h1> (HTTP 404)',
    });
  });
});

describe('tandem events import against a flaky API', () => {
  it('sends a batch again after a 503 and counts what the server finally answered', async () => {
    const api = await fakeApi([
      problem(503, 'internal_error', 'restarting'),
      (_req, body, res) => {
        const events = JSON.parse(body).events as { id: string }[];
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            accepted: events.length - 1,
            duplicates: 1,
            rejected: 0,
            results: events.map((e, index) => ({
              index,
              id: e.id,
              status: index === 0 ? 'duplicate' : 'accepted',
              event_id: `evt_${index}`,
            })),
          }),
        );
      },
    ]);
    const io = captureIo({ env: { TANDEM_URL: api.url, TANDEM_API_KEY: 'k' } });
    const code = await run(['events', 'import', 'examples/events.csv'], io);
    expect(io.err()).toContain('lines 2–14: HTTP 503 internal_error; retrying in 5 ms (attempt 2)');
    expect(code).toBe(0);
    expect(io.out()).toBe('11 accepted, 1 duplicates, 0 rejected\n');
    expect(api.seen).toHaveLength(2);
    expect(api.seen[0]?.body).toBe(api.seen[1]?.body);
    expect(JSON.parse(api.seen[1]?.body ?? '').events).toHaveLength(12);
  });
});
