import { readFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { utcDay } from '../../src/ids.ts';
import { acquireLease, releaseLease } from '../../src/jobs/lease.ts';
import { freePort } from '../helpers/spawn-api.ts';
import { ADMIN_TOKEN, BOT_TOKEN, createTestApp, TEST_DRIVER, type TestApp } from '../helpers/test-app.ts';
import { seedGeneration, type SeedGeneration } from '../jobs/helpers/generations.ts';
import { parseCsv, seedGenerations, seedUsage, seedUsers } from '../export/helpers.ts';
import { daysAgo, runCli, type CliRun } from './cli-helpers.ts';

const USERS = ['1', '2', '3', '4', '5'].map((digit) => digit.repeat(64));
const SHARED = 's'.repeat(32);
const SHARED_PROMPT = 'a red fox in the snow';
const PRIVATE_PROMPT = 'something only one person asked';
const NOW = new Date();
const TODAY = utcDay(NOW);

let app: TestApp;
let server: Server;
let env: Record<string, string>;
let outDir: string;

const cli = (args: string[], extra: Record<string, string> = {}) => runCli(args, { ...env, ...extra });
const json = (run: CliRun) => {
  expect(run.stderr, run.stderr).toBe('');
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as any;
};

beforeAll(async () => {
  app = await createTestApp({ env: { LOG_LEVEL: 'fatal' } });
  await seedUsers(app, USERS);
  const rows: SeedGeneration[] = [];
  // This week (yesterday and the two days before): a prompt three users share, one nobody shares.
  USERS.slice(0, 3).forEach((user, index) => rows.push(seedGeneration({ createdAt: daysAgo(NOW, 1 + index), user, promptFingerprint: SHARED, promptRedacted: SHARED_PROMPT, theme: 'animals', style: 'watercolor', costUsd: 0.01 })));
  rows.push(seedGeneration({ createdAt: daysAgo(NOW, 2, 9), user: USERS[4]!, promptFingerprint: 'p'.repeat(32), promptRedacted: PRIVATE_PROMPT, theme: 'city' }));
  // Failures at one provider.
  for (let index = 0; index < 4; index += 1) {
    rows.push(seedGeneration({ createdAt: daysAgo(NOW, 1, 8 + index), user: USERS[index]!, provider: 'openai', status: 'failed', errorClass: 'provider_timeout', theme: 'fantasy', costUsd: null }));
  }
  // Trends: animals rise, city falls, week over week.
  for (let index = 0; index < 40; index += 1) {
    rows.push(seedGeneration({ createdAt: daysAgo(NOW, 1 + (index % 3), 13), user: USERS[index % 5]!, theme: 'animals' }));
    rows.push(seedGeneration({ createdAt: daysAgo(NOW, 8 + (index % 3), 13), user: USERS[index % 5]!, theme: index < 35 ? 'city' : 'animals' }));
  }
  await seedGenerations(app, rows);
  await seedUsage(app, [
    { day: utcDay(daysAgo(NOW, 1)), user: USERS[0]!, requests: 7, images: 5, texts: 2, inputTokens: 100, outputTokens: 200, costUsd: 0.25 },
    { day: utcDay(daysAgo(NOW, 2)), user: USERS[0]!, requests: 3, images: 3, costUsd: 0.5 },
  ]);
  server = createServer(app.http);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  env = { ATELIER_API_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, ATELIER_ADMIN_TOKEN: ADMIN_TOKEN };
  outDir = mkdtempSync(join(tmpdir(), 'atelier-cli-'));
}, 60_000);

afterAll(async () => {
  if (server) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await app?.close();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

describe('usage errors exit 2 before anything is sent', () => {
  // An API that is not there: had anything been sent, the exit code would be 5.
  const nowhere = { ATELIER_API_URL: 'http://127.0.0.1:9', ATELIER_ADMIN_TOKEN: ADMIN_TOKEN };

  test.each([
    [[], /Usage: npm run admin --/],
    [['frobnicate'], /Unknown command "frobnicate"/],
    [['top-prompts', '--bogus'], /Unknown option '--bogus'/],
    [['top-prompts', '--limit', 'ten'], /--limit must be a whole number from 1 to 100/],
    [['top-prompts', '--limit', '0'], /--limit must be/],
    [['themes', '--from', '2026-13-01'], /--from must be a UTC day/],
    [['errors', '--from', '2026-03-05', '--to', '2026-03-01'], /--from \(2026-03-05\) is after --to/],
    [['usage', '--user', '123456789'], /pseudonymous user id/],
    [['trends', 'extra'], /Usage: npm run admin -- trends/],
    [['jobs'], /"jobs" needs one of: run, list/],
    [['jobs', 'run'], /Usage: npm run admin -- jobs run/],
    [['jobs', 'run', 'vacuum'], /the job must be one of retention, rollup, backup/],
    [['jobs', 'list', '--last', '500'], /--last must be/],
    [['tokens', 'issue', 'grafana'], /at least one --scope/],
    [['tokens', 'issue', 'grafana', '--scope', 'root'], /--scope must be one of bot, analytics:read, admin/],
    [['tokens', 'issue', 'grafana', '--scope', 'admin', '--expires', 'tomorrow'], /--expires must be an ISO-8601/],
    [['tokens', 'revoke'], /Usage: npm run admin -- tokens revoke <id>/],
    [['export'], /--out FILE/],
    [['export', '--out', 'x.csv', '--dataset', 'prompts'], /--dataset must be one of generations, rollups, usage/],
    [['export', '--out', 'x.csv', '--format', 'xml'], /--format must be one of csv, json/],
  ])('%j', async (args, message) => {
    const run = await runCli(args, nowhere);
    expect(run.code, run.stderr).toBe(2);
    expect(args.length === 0 ? run.stdout : run.stderr).toMatch(message);
  });

  test('--json makes the error one JSON line on stderr', async () => {
    const run = await runCli(['top-prompts', '--limit', 'x', '--json'], nowhere);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(JSON.parse(run.stderr)).toEqual({ error: { kind: 'usage', exitCode: 2, message: expect.stringMatching(/--limit/) } });
  });

  test('--help lists every command and exits 0; each command has its own help', async () => {
    const help = await runCli(['--help'], {});
    expect(help.code).toBe(0);
    for (const name of ['top-prompts', 'themes', 'errors', 'usage', 'suggestions', 'trends', 'export', 'jobs run', 'jobs list', 'tokens issue', 'tokens list', 'tokens revoke']) {
      expect(help.stdout).toContain(`  ${name} `);
    }
    expect(help.stdout).toMatch(/Exit codes: 0 ok, 2 usage error, 3 auth error/);
    const own = await runCli(['tokens', 'issue', '--help'], {});
    expect(own.code).toBe(0);
    expect(own.stdout).toMatch(/^Usage: npm run admin -- tokens issue <name> --scope SCOPE/);
    expect((await runCli(['help', 'export'], {})).stdout).toMatch(/--dataset/);
    expect((await runCli(['jobs', '--help'], {})).stdout).toMatch(/jobs <run\|list>/);
  });
});

describe(`against the API (${TEST_DRIVER})`, () => {
  test('top-prompts: a table of groups that reached k users, never a single person\'s prompt; --json as the API says', async () => {
    const run = await cli(['top-prompts']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Top prompts, \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2} \(UTC, both included\); groups of fewer than 3 users are never shown/);
    expect(run.stdout).toMatch(/#\s+requests\s+users\s+share\s+example \(redacted\)/);
    expect(run.stdout).toMatch(new RegExp(`\\n2\\s+3\\s+3\\s+[\\d.]+%\\s+${SHARED_PROMPT}\\n`));
    expect(run.stdout).not.toContain(PRIVATE_PROMPT);
    const answer = json(await cli(['top-prompts', '--json', '--limit', '5']));
    // The seeded filler rows share one default prompt too, sent by all five users.
    expect(answer).toMatchObject({ to: TODAY, k: 3, topPrompts: [{ example: 'a prompt', requests: 44, distinctUsers: 5 }, { example: SHARED_PROMPT, requests: 3, distinctUsers: 3 }] });
    expect(json(await cli(['top-prompts', '--json', '--limit', '1'])).topPrompts).toHaveLength(1);
  });

  test('themes: themes and styles with shares and success', async () => {
    const run = await cli(['themes', '--limit', '3']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/theme\s+requests\s+share\s+failures\s+success\s+ratings\s+avg rating/);
    expect(run.stdout).toMatch(/animals\s+43\s/);
    expect(run.stdout).toMatch(/fantasy\s+4\s+[\d.]+%\s+4\s+0\.0%/);
    const answer = json(await cli(['themes', '--json']));
    expect(answer.themes.map((row: { value: string }) => row.value)).toEqual(['animals', 'fantasy', 'city']);
    expect(answer.styles[0]).toMatchObject({ value: 'photo' });
  });

  test('errors: failures by class, provider and theme', async () => {
    const run = await cli(['errors']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/4 failed of 48 requests/);
    expect(run.stdout).toMatch(/provider_timeout\s+4/);
    expect(run.stdout).toMatch(/openai\s+4\s+4\s+100\.0%/);
    const answer = json(await cli(['errors', '--json']));
    expect(answer).toMatchObject({ requests: 48, failures: 4, byClass: [{ value: 'provider_timeout', count: 4 }] });
  });

  test('usage: per day for everyone, or one user\'s days with --user', async () => {
    const all = await cli(['usage']);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toMatch(/^Usage per day/);
    expect(all.stdout).toMatch(new RegExp(`${TODAY}\\s+0\\s+0\\s+0\\s+\\$0\\.0000`));
    expect(all.stdout).toMatch(/total: 48 requests/);
    const mine = await cli(['usage', '--user', USERS[0]!]);
    expect(mine.code, mine.stderr).toBe(0);
    expect(mine.stdout).toMatch(new RegExp(`${utcDay(daysAgo(NOW, 1))}\\s+7\\s+5\\s+0\\s+2\\s+0\\s+300\\s+\\$0\\.2500`));
    expect(mine.stdout).toMatch(/total: 10 requests, 300 tokens, \$0\.7500/);
    const answer = json(await cli(['usage', '--user', USERS[0]!, '--json']));
    expect(answer).toMatchObject({ userId: USERS[0], total: { requests: 10, tokens: 300, costUsd: 0.75 } });
    expect(answer.days.map((day: { day: string }) => day.day)).toEqual([utcDay(daysAgo(NOW, 2)), utcDay(daysAgo(NOW, 1))]);
    const nobody = await cli(['usage', '--user', 'f'.repeat(64)]);
    expect(nobody.stdout).toMatch(/no usage by this user/);
  });

  test('suggestions and trends', async () => {
    const suggestions = await cli(['suggestions']);
    expect(suggestions.code, suggestions.stderr).toBe(0);
    expect(suggestions.stdout).toMatch(/Styles users asked for that the catalog lacks:/);
    expect(json(await cli(['suggestions', '--json']))).toHaveProperty('poorlyRatedStyles');
    const trends = await cli(['trends']);
    expect(trends.code, trends.stderr).toBe(0);
    expect(trends.stdout).toMatch(/animals\s+rising\s+43\s+5\s+\+38/);
    expect(trends.stdout).toMatch(/city\s+falling\s+1\s+35/);
    const report = json(await cli(['trends', '--json', '--all']));
    expect(report.thisWeek.to).toBe(TODAY);
    expect(report.themes.find((trend: { value: string }) => trend.value === 'animals')).toMatchObject({ direction: 'RISING', thisWeek: 43, previousWeek: 5 });
  });

  test('a typed error result (a range over 366 days) exits 4 with its message', async () => {
    const run = await cli(['top-prompts', '--from', '2020-01-01', '--to', '2026-01-01']);
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/^error: A range covers at most 366 days/);
  });
});

describe(`export (${TEST_DRIVER})`, () => {
  test('writes the file the route serves; without a terminal, one final line on stderr and nothing on stdout', async () => {
    const out = join(outDir, 'generations.csv');
    const run = await cli(['export', '--dataset', 'generations', '--format', 'csv', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(new RegExp(`^Exported 48 generations rows \\([\\d.]+ KB, atelier-export-v1, \\d{4}-\\d{2}-\\d{2} to ${TODAY}\\) to ${out} in [\\d.]+ s\\n$`));
    expect(run.stderr).not.toContain('\r');
    const written = readFileSync(out, 'utf8');
    const served = await (await app.http.fetch(`http://localhost/export?dataset=generations&format=csv&from=${utcDay(daysAgo(NOW, 6))}&to=${TODAY}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text();
    expect(written).toBe(served);
    expect(parseCsv(written)).toHaveLength(49);
    expect(written).not.toContain(SHARED_PROMPT);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  test('--json prints a summary; the format follows the file name; other datasets and ranges', async () => {
    const out = join(outDir, 'usage.ndjson');
    const summary = json(await cli(['export', '--dataset', 'usage', '--out', out, '--from', '2020-01-01', '--to', TODAY, '--json']));
    expect(summary).toMatchObject({ out, dataset: 'usage', format: 'json', from: '2020-01-01', to: TODAY, rows: 2, layout: 'atelier-export-v1' });
    expect(readFileSync(out, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line).user_id)).toEqual([USERS[0], USERS[0]]);
  });

  test('a refused token leaves no file behind and exits 3', async () => {
    const out = join(outDir, 'refused.csv');
    const run = await cli(['export', '--out', out], { ATELIER_ADMIN_TOKEN: BOT_TOKEN });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/analytics:read/);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  test('an unwritable --out is a usage error', async () => {
    const run = await cli(['export', '--out', join(outDir, 'no', 'such', 'dir', 'x.csv')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Cannot write .*ENOENT/);
  });
});

describe(`jobs (${TEST_DRIVER})`, () => {
  test('jobs run rollup waits for the run; jobs list shows it', async () => {
    const run = await cli(['jobs', 'run', 'rollup']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/job\s+status\s+trigger\s+started\s+took\s+rows\s+error\s+id/);
    expect(run.stdout).toMatch(/rollup\s+succeeded\s+manual\s/);
    const listed = json(await cli(['jobs', 'list', '--job', 'ROLLUP', '--json']));
    expect(listed[0]).toMatchObject({ job: 'ROLLUP', status: 'SUCCEEDED', trigger: 'MANUAL' });
    expect((await cli(['jobs', 'list'])).stdout).toMatch(/rollup\s+succeeded/);
  }, 60_000);

  test('a job that is busy elsewhere exits 4 with the API\'s message', async () => {
    await acquireLease(app.orm.em.fork(), 'retention', 'another-instance', 60, new Date());
    try {
      const run = await cli(['jobs', 'run', 'retention']);
      expect(run.code).toBe(4);
      expect(run.stderr).toMatch(/running already/);
    } finally {
      await releaseLease(app.orm.em.fork(), 'retention', 'another-instance');
    }
  });
});

describe(`tokens (${TEST_DRIVER})`, () => {
  test('issue prints the token once; it works for analytics but not for admin commands; list shows it; revoke ends it', async () => {
    const issued = json(await cli(['tokens', 'issue', 'grafana reader', '--scope', 'analytics:read', '--expires', '2099-01-01T00:00:00Z', '--json']));
    expect(issued.token).toMatch(/^atl_/);
    expect(issued.apiToken).toMatchObject({ name: 'grafana reader', scopes: ['analytics:read'], expiresAt: '2099-01-01T00:00:00.000Z', revokedAt: null });

    const human = await cli(['tokens', 'issue', 'bot two', '--scope', 'bot', '--scope', 'bot']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^atl_\S+\n\nShown this once/);
    expect(human.stdout).toMatch(/scopes {3}bot\n/);

    const reader = { ATELIER_ADMIN_TOKEN: issued.token as string };
    expect((await cli(['top-prompts'], reader)).code).toBe(0);
    const forbidden = await cli(['tokens', 'list'], reader);
    expect(forbidden.code).toBe(3);
    expect(forbidden.stderr).toMatch(/lacks the scope/);

    const list = await cli(['tokens', 'list']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`${issued.apiToken.id}\\s+grafana reader\\s+analytics:read\\s+active`));
    expect(list.stdout).not.toContain(issued.token);
    const listed = json(await cli(['tokens', 'list', '--json']));
    expect(listed.find((token: { id: string }) => token.id === issued.apiToken.id)).toMatchObject({ state: 'active', scopes: ['analytics:read'] });

    const revoked = await cli(['tokens', 'revoke', issued.apiToken.id]);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toMatch(new RegExp(`^Revoked ${issued.apiToken.id} \\(grafana reader\\) at `));
    const after = await cli(['top-prompts'], reader);
    expect(after.code).toBe(3);
    expect(after.stderr).toMatch(/invalid, expired or revoked/);
    expect((await cli(['tokens', 'list', '--json'])).stdout).toContain('"state": "revoked"');
  });

  test('revoking an unknown id exits 4', async () => {
    const run = await cli(['tokens', 'revoke', '00000000-0000-7000-8000-000000000000']);
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/not found/i);
  });
});

describe('auth errors exit 3, an unreachable API exits 5', () => {
  test('a wrong token, a token without the scope, no token at all', async () => {
    const wrong = await cli(['themes'], { ATELIER_ADMIN_TOKEN: 'not-a-token-at-all-0123456789' });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toMatch(/^error: The credential is invalid, expired or revoked\.\nSet ATELIER_ADMIN_TOKEN/);
    const bot = await cli(['errors'], { ATELIER_ADMIN_TOKEN: BOT_TOKEN });
    expect(bot.code).toBe(3);
    const none = await runCli(['jobs', 'list'], { ATELIER_API_URL: env['ATELIER_API_URL']! });
    expect(none.code).toBe(3);
    expect(none.stderr).toMatch(/ATELIER_ADMIN_TOKEN is not set/);
    const asJson = await cli(['tokens', 'list', '--json'], { ATELIER_ADMIN_TOKEN: BOT_TOKEN });
    expect(JSON.parse(asJson.stderr)).toMatchObject({ error: { kind: 'auth', exitCode: 3 } });
  });

  test('nothing listening, or a proxy answering with an HTML error page', async () => {
    const down = await cli(['top-prompts'], { ATELIER_API_URL: `http://127.0.0.1:${await freePort()}` });
    expect(down.code).toBe(5);
    expect(down.stderr).toMatch(/Cannot reach the API at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    const exportDown = await cli(['export', '--out', join(outDir, 'down.csv')], { ATELIER_API_URL: `http://127.0.0.1:${await freePort()}` });
    expect(exportDown.code).toBe(5);
    expect(existsSync(join(outDir, 'down.csv.partial'))).toBe(false);

    const proxy = createServer((_request, response) => response.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad Gateway</html>'));
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const run = await cli(['jobs', 'list'], { ATELIER_API_URL: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/graphql` });
      expect(run.code).toBe(5);
      expect(run.stderr).toMatch(/answered HTTP 502 without a GraphQL response/);
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});
