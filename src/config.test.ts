import { describe, expect, it } from 'vitest';
import { readConfig } from './config.js';

describe('readConfig', () => {
  it('runs the HTTP server and the worker in one process by default', () => {
    expect(readConfig({}).role).toBe('all');
    expect(readConfig({ TANDEM_ROLE: '' }).role).toBe('all');
    expect(readConfig({ TANDEM_ROLE: 'all' }).role).toBe('all');
  });

  it('reads TANDEM_ROLE=api and worker with PostgreSQL', () => {
    const DATABASE_URL = 'postgres://tandem@db.internal:5432/tandem';
    expect(readConfig({ TANDEM_ROLE: 'api', DATABASE_URL }).role).toBe('api');
    expect(readConfig({ TANDEM_ROLE: 'worker', DATABASE_URL }).role).toBe('worker');
  });

  it('refuses an unknown role, and split roles on SQLite (one process owns the file)', () => {
    expect(() => readConfig({ TANDEM_ROLE: 'web' })).toThrow(
      'TANDEM_ROLE must be all, api or worker; got web',
    );
    expect(() => readConfig({ TANDEM_ROLE: 'API', DATABASE_URL: 'postgres://x/y' })).toThrow(
      /TANDEM_ROLE must be/,
    );
    expect(() => readConfig({ TANDEM_ROLE: 'worker' })).toThrow(
      'TANDEM_ROLE=worker needs DATABASE_URL',
    );
    expect(() => readConfig({ TANDEM_ROLE: 'api', DATABASE_URL: '' })).toThrow(
      'TANDEM_ROLE=api needs DATABASE_URL',
    );
  });
});
