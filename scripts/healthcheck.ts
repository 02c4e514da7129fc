/**
 * The container healthcheck (Dockerfile HEALTHCHECK, docker-compose.yml): exit 0 when this
 * container's API answers `{ health { ok } }` with ok, 1 otherwise. With `--metrics`, checks the
 * scheduler's /metrics on METRICS_PORT instead.
 */
import { answerHelp } from '../src/cli.ts';

answerHelp(`
usage: node scripts/healthcheck.ts [--metrics]

Asks the API on 127.0.0.1:$PORT for { health { ok } } and exits 0 when it answers ok, 1 otherwise
(no answer within 4 s, an error, ok: false). --metrics checks GET /metrics on $METRICS_PORT instead
(the scheduler process has no GraphQL API). Writes nothing.`);

const { parseConfig } = await import('../src/config.ts');

async function healthy(): Promise<boolean> {
  const config = parseConfig(process.env);
  const signal = AbortSignal.timeout(4_000);
  if (process.argv.includes('--metrics')) {
    const response = await fetch(`http://127.0.0.1:${config.telemetry.metricsPort ?? config.port}/metrics`, { signal });
    return response.ok;
  }
  const response = await fetch(`http://127.0.0.1:${config.port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ health { ok } }' }),
    signal,
  });
  const body = (await response.json()) as { data?: { health?: { ok?: boolean } } };
  return body.data?.health?.ok === true;
}

const ok = await healthy().catch((error: Error) => (console.error(`unhealthy: ${error.message}`), false));
process.exit(ok ? 0 : 1);
