/**
 * The ceiling for the redirect benchmark: a bare `node:http` server that
 * answers `GET /r/<code>` with a 302 to the code's destination plus
 * `?tdm_click=<id>` and a Set-Cookie, looking the code up in a Map. No
 * database, no framework. Run as a child process by bench/redirect.ts; prints
 * `READY {"port":…}`.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { args } from './lib.js';

const opts = args();
const codes = Number(opts.get('codes') ?? 10);
const links = new Map<string, string>();
for (let i = 0; i < codes; i++)
  links.set(`bench-${i}`, `https://marketplace.example/sell?utm_source=partner&p=${i}`);
const maxAge = 90 * 86_400;
let answered = 0;

const server = createServer((req, res) => {
  const url = req.url ?? '/';
  const code = url.startsWith('/r/') ? url.slice(3).split('?')[0] : undefined;
  const destination = code === undefined ? undefined : links.get(code);
  if (req.method !== 'GET' || destination === undefined) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  const id = `clk_${randomUUID()}`;
  answered++;
  res
    .writeHead(302, {
      location: `${destination}${destination.includes('?') ? '&' : '?'}tdm_click=${id}`,
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer-when-downgrade',
      'set-cookie': `tdm_click=${id}; Max-Age=${maxAge}; Path=/; SameSite=Lax`,
      'content-length': '0',
    })
    .end();
});

server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`READY ${JSON.stringify({ port, codes: [...links.keys()] })}\n`);
});

process.on('SIGTERM', () => {
  server.close(() => {
    process.stdout.write(`STOPPED ${JSON.stringify({ answered })}\n`);
    process.exit(0);
  });
  server.closeAllConnections();
});
