import { connect } from 'node:net';
import { defineConfig } from 'vitest/config';

/**
 * Two projects: everything against SQLite, and the database-backed suites again against
 * PostgreSQL. Without a reachable PostgreSQL the second is skipped with a printed reason,
 * unless ATELIER_REQUIRE_POSTGRES=1 (set by .ci/run), in which case it runs and fails.
 */
const pgUrl = new URL(process.env['ATELIER_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test');
const required = process.env['ATELIER_REQUIRE_POSTGRES'] === '1';

function reachable(host: string, port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1500 });
    socket.once('connect', () => {
      socket.end();
      resolve(null);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('connection timed out');
    });
    socket.once('error', (error) => resolve(error.message));
  });
}

export default defineConfig(async () => {
  const problem = await reachable(pgUrl.hostname, Number(pgUrl.port || 5432));
  const runPostgres = problem === null || required;
  if (!runPostgres) {
    console.warn(`\n[atelier] PostgreSQL tests SKIPPED: ${pgUrl.host} is not reachable (${problem}). Set ATELIER_TEST_PG_URL, or ATELIER_REQUIRE_POSTGRES=1 to make this an error.\n`);
  }
  const shared = { testTimeout: 30_000, hookTimeout: 60_000, pool: 'forks' as const };
  return {
    test: {
      reporters: ['default', './test/summary-reporter.ts'],
      projects: [
        { test: { ...shared, name: 'sqlite', include: ['test/**/*.test.ts'], env: { ATELIER_TEST_DB: 'sqlite' } } },
        ...(runPostgres
          ? [{ test: { ...shared, name: 'postgresql', include: ['test/api/**/*.test.ts', 'test/jobs/**/*.test.ts', 'test/bot/**/*.test.ts', 'test/analytics/**/*.test.ts', 'test/export/**/*.test.ts', 'test/resilience/**/*.test.ts', 'test/security/**/*.test.ts'], env: { ATELIER_TEST_DB: 'postgresql', ATELIER_TEST_PG_URL: pgUrl.href } } }]
          : []),
      ],
    },
  };
});
