/**
 * `promtool check metrics` over the API's real /metrics after some traffic.
 *
 * promtool exits 1 when the exposition does not parse and 3 when it parses but has lint findings.
 * Some families come from libraries we do not control and have findings upstream (envelop's and
 * yoga's camelCase labels and counters without `_total`; prom-client's `*_total` gauges): those
 * are printed, not failed on. Every other family, Atelier's own, must pass promtool with exit 0.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { REQUIRE_PROMETHEUS, driveTraffic, prometheusTool } from './helpers/prometheus.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

/** Metric families owned by libraries (envelop/yoga's Prometheus plugin, prom-client's default metrics). */
const THIRD_PARTY = /^(graphql_envelop_|graphql_yoga_|nodejs_|process_)/;

const promtool = prometheusTool('promtool');
const dir = mkdtempSync(join(tmpdir(), 'atelier-promtool-'));
let app: TestApp | undefined;
let exposition = '';

beforeAll(async () => {
  app = await createTestApp();
  await driveTraffic(app);
  const response = await app.yoga.fetch('http://localhost/metrics');
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

/** Only the families `keep` accepts; a family runs from its `# HELP` line to the next one. */
function families(text: string, keep: (name: string) => boolean): string {
  let kept = false;
  return text
    .split('\n')
    .filter((line) => {
      const help = /^# HELP ([a-zA-Z_:][\w:]*)/.exec(line);
      if (help?.[1]) kept = keep(help[1]);
      return kept;
    })
    .join('\n');
}

const runs = !!promtool.bin || REQUIRE_PROMETHEUS;

describe('promtool check metrics', () => {
  test('the traffic produced samples of our own families', () => {
    expect(exposition).toMatch(/^atelier_generations_total\{[^}]*status="succeeded"[^}]*\} \d/m);
    expect(exposition).toMatch(/^atelier_generations_total\{[^}]*status="failed"[^}]*\} \d/m);
    expect(exposition).toMatch(/^atelier_generations_total\{[^}]*status="rejected"[^}]*\} \d/m);
    expect(exposition).toMatch(/^atelier_feedback_total\{kind="rating_up"\} 1/m);
    expect(exposition).toMatch(/^gen_ai_client_operation_duration_seconds_bucket\{/m);
  });

  test.skipIf(!runs)("Atelier's own metric families pass with exit 0", () => {
    expect(promtool.missing, 'ATELIER_REQUIRE_PROMETHEUS=1 but promtool is missing').toBeNull();
    const ours = families(exposition, (name) => !THIRD_PARTY.test(name));
    expect(ours).toContain('# TYPE atelier_generations_total counter');
    const { status, output } = checkMetrics('ours.prom', ours);
    expect({ status, output }).toEqual({ status: 0, output: '' });
  });

  test.skipIf(!runs)('the whole exposition parses, and lint findings are only on third-party families', () => {
    expect(promtool.missing, 'ATELIER_REQUIRE_PROMETHEUS=1 but promtool is missing').toBeNull();
    const { status, output } = checkMetrics('all.prom', exposition);
    expect([0, 3], `promtool exited ${status}:\n${output}`).toContain(status);
    const findings = output.split('\n').filter(Boolean);
    const ours = findings.filter((line) => !THIRD_PARTY.test(line));
    expect(ours, `promtool exited ${status}:\n${output}`).toEqual([]);
    if (findings.length > 0) console.info(`[atelier] promtool findings on third-party metric families (not failed on):\n  ${findings.join('\n  ')}`);
  });
});
