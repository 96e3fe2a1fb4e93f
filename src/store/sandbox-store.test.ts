import { describe, expect, it } from 'vitest';
import type { Store } from './database.js';
import { sandboxLocation } from './sandbox-store.js';

const store = (s: Partial<Store>) => ({ dialect: 'sqlite', ...s }) as Store;

describe('sandboxLocation', () => {
  it('puts a SQLite sandbox beside the live file, in memory beside memory', () => {
    expect(sandboxLocation(store({ opened: { file: '/data/tandem.db' } }))).toEqual({
      dialect: 'sqlite',
      file: '/data/tandem.sandbox.db',
    });
    expect(sandboxLocation(store({ opened: { file: '/data/live' } }))).toMatchObject({
      file: '/data/live.sandbox',
    });
    expect(sandboxLocation(store({ opened: { file: ':memory:' } }))).toMatchObject({
      file: ':memory:',
    });
  });

  it('puts a PostgreSQL sandbox in <schema>_sandbox, tandem_sandbox by default', () => {
    const url = 'postgres://u@h/db';
    expect(
      sandboxLocation(
        store({ dialect: 'postgres', schema: 't_abc123', opened: { url, schema: 't_abc123' } }),
      ),
    ).toEqual({ dialect: 'postgres', url, schema: 't_abc123_sandbox', poolSize: 5 });
    expect(sandboxLocation(store({ dialect: 'postgres', opened: { url } }))).toMatchObject({
      schema: 'tandem_sandbox',
    });
    expect(() =>
      sandboxLocation(store({ dialect: 'postgres', schema: 'Bad"Name', opened: { url } })),
    ).toThrow(/sandbox schema/);
  });
});
