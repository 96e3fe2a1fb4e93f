import { defineConfig } from 'vitest/config';

// When VITEST_JSON names a file, a machine-readable report is written there as well, so that
// .ci/run can count passed and failed tests per backend. Locally only the default reporter runs.
const jsonReport = process.env.VITEST_JSON?.trim();

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', 'data/**', 'test-results/**'],
    environment: 'node',
    // better-sqlite3 is a native addon: child processes isolate it better than worker threads.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: jsonReport ? ['default', 'json'] : ['default'],
    ...(jsonReport ? { outputFile: { json: jsonReport } } : {}),
  },
});
