import { Agent, request } from 'node:http';

/** One keep-alive connection to a server on this machine (an agent holding one socket). */
export function oneConnection(): Agent {
  return new Agent({ keepAlive: true, maxSockets: 1 });
}

export interface BatchAnswer {
  status: number;
  body: {
    accepted?: number;
    duplicates?: number;
    rejected?: number;
    results?: { id: string | null; status: string; error?: unknown }[];
  };
}

/**
 * POSTs `{ events }` to 127.0.0.1:`port`/v1/events with the key. Rejects on a
 * connection error (refused, reset, cut mid-answer) or after `timeoutMs`.
 */
export function postEvents(
  agent: Agent,
  port: number,
  key: string,
  events: readonly unknown[],
  timeoutMs = 30_000,
): Promise<BatchAnswer> {
  const payload = JSON.stringify({ events });
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v1/events',
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('aborted', () => reject(new Error('answer cut off')));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          try {
            resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} });
          } catch {
            reject(new Error(`answer ${res.statusCode} is not JSON: ${text.slice(0, 200)}`));
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}
