import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { REQUIRE_PROMETHEUS, driveTraffic, exposedMetricNames, metricNamesInExpr, prometheusTool } from '../helpers/prometheus.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

/**
 * The Prometheus rules in grafana/rules/: `promtool check rules` accepts them, `promtool test rules`
 * passes their unit tests, and they name only metrics the API really exports.
 */
const RULES_DIR = join(import.meta.dirname, '../../grafana/rules');
const promtool = prometheusTool('promtool');
const runs = !!promtool.bin || REQUIRE_PROMETHEUS;

interface Rule { record?: string; alert?: string; expr: string }
const groups = (parse(readFileSync(join(RULES_DIR, 'atelier.rules.yml'), 'utf8')) as { groups: Array<{ rules: Rule[] }> }).groups;
const rules = groups.flatMap((group) => group.rules);

function run(args: string[]): { status: number | null; output: string } {
  const result = spawnSync(promtool.bin ?? 'promtool', args, { cwd: RULES_DIR, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() };
}

let app: TestApp | undefined;
let exposed = new Set<string>();
beforeAll(async () => {
  app = await createTestApp();
  await driveTraffic(app);
  exposed = exposedMetricNames(await (await app.http.fetch('http://localhost/metrics')).text());
});
afterAll(async () => {
  await app?.close();
});

describe('alerting and recording rules', () => {
  test('cover what operators asked for', () => {
    expect(rules.filter((rule) => rule.alert).map((rule) => rule.alert).sort()).toEqual([
      'AtelierHigh5xxRatio', 'AtelierJobFailed', 'AtelierJobStale', 'AtelierOldestMediaTooOld', 'AtelierProviderCircuitOpen',
      'AtelierProviderErrorRatio', 'AtelierQueueBacklog', 'AtelierRetentionLagging', 'AtelierScrapeDown', 'AtelierSpendOverBudget',
    ]);
  });

  test('name only metrics the API exports (or `up`, or their own recording rules)', () => {
    const recorded = new Set(rules.flatMap((rule) => (rule.record ? [rule.record] : [])));
    // Job metrics and the oldest-media gauge come from the job runner inside every API process.
    const problems = rules.flatMap((rule) =>
      metricNamesInExpr(rule.expr)
        .filter((name) => name !== 'up' && !recorded.has(name) && !exposed.has(name))
        .map((name) => `${rule.alert ?? rule.record}: ${name}`),
    );
    expect(exposed.has('atelier_generation_cost_usd_total')).toBe(true);
    expect(problems).toEqual([]);
  });

  test.skipIf(!runs)('promtool check rules accepts the file', () => {
    expect(promtool.missing, 'ATELIER_REQUIRE_PROMETHEUS=1 but promtool is missing').toBeNull();
    const { status, output } = run(['check', 'rules', 'atelier.rules.yml']);
    expect({ status, output }).toMatchObject({ status: 0 });
    expect(output).toMatch(/SUCCESS: \d+ rules found/);
  });

  test.skipIf(!runs)('promtool test rules passes every unit test', () => {
    const { status, output } = run(['test', 'rules', 'atelier.rules.test.yml']);
    console.info(`[atelier] promtool test rules:\n${output}`);
    expect({ status, output }).toEqual({ status: 0, output: expect.stringMatching(/SUCCESS/) });
  });
});
