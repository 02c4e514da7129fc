/**
 * `promtool check metrics` over the API's real /metrics after some traffic: exit 0, no findings
 * (promtool exits 1 when the exposition does not parse and 3 on lint findings).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { REQUIRE_PROMETHEUS, driveTraffic, prometheusTool } from './helpers/prometheus.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

const promtool = prometheusTool('promtool');
const dir = mkdtempSync(join(tmpdir(), 'atelier-promtool-'));
let app: TestApp | undefined;
let exposition = '';

beforeAll(async () => {
  app = await createTestApp();
  await driveTraffic(app);
  const response = await app.http.fetch('http://localhost/metrics');
  expect(response.status).toBe(200);
  exposition = await response.text();
});

afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `promtool check metrics < file`. */
function checkMetrics(name: string, text: string): { status: number | null; output: string } {
  const file = join(dir, name);
  writeFileSync(file, text);
  const stdin = openSync(file, 'r');
  try {
    const result = spawnSync(promtool.bin ?? 'promtool', ['check', 'metrics'], { stdio: [stdin, 'pipe', 'pipe'], encoding: 'utf8', timeout: 20_000 });
    return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() };
  } finally {
    closeSync(stdin);
  }
}

const runs = !!promtool.bin || REQUIRE_PROMETHEUS;

describe('promtool check metrics', () => {
  test('the traffic produced samples of our own families', () => {
    expect(exposition).toMatch(/^atelier_generations_total\{[^}]*status="succeeded"[^}]*\} \d/m);
    expect(exposition).toMatch(/^atelier_generations_total\{[^}]*status="failed"[^}]*\} \d/m);
    expect(exposition).toMatch(/^atelier_generations_total\{[^}]*status="rejected"[^}]*\} \d/m);
    expect(exposition).toMatch(/^atelier_feedback_total\{kind="rating_up"\} 1/m);
    expect(exposition).toMatch(/^gen_ai_client_operation_duration_seconds_bucket\{/m);
    expect(exposition).toMatch(/^graphql_requests_total\{operation_type="mutation"\} \d/m);
    expect(exposition).toMatch(/^nodejs_eventloop_lag_seconds /m);
  });

  test.skipIf(!runs)('the whole exposition passes with exit 0 and no findings', () => {
    expect(promtool.missing, 'ATELIER_REQUIRE_PROMETHEUS=1 but promtool is missing').toBeNull();
    const { status, output } = checkMetrics('all.prom', exposition);
    expect({ status, output }).toEqual({ status: 0, output: '' });
  });

  test.skipIf(!runs)('promtool does catch a bad family (so the check above can fail)', () => {
    const { status, output } = checkMetrics('bad.prom', '# HELP bad_counter A counter without _total.\n# TYPE bad_counter counter\nbad_counter{someLabel="x"} 1\n');
    expect(status).toBe(3);
    expect(output).toMatch(/bad_counter/);
  });
});
