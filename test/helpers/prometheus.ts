/**
 * Shared by the observability tests: finding the Prometheus binaries, running a real Prometheus
 * against a test API, reading the provisioned dashboards and naming the metrics a PromQL
 * expression refers to.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GENERATE } from './documents.ts';
import { freePort } from './spawn-api.ts';

export { freePort };
import { ADMIN_TOKEN, type TestApp } from './test-app.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const REQUIRE_PROMETHEUS = process.env['ATELIER_REQUIRE_PROMETHEUS'] === '1';

/** The absolute path of an executable on PATH, or null. */
export function findOnPath(name: string): string | null {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** A tool of the Prometheus distribution; warns once, with the reason, when it is missing. */
export function prometheusTool(name: 'prometheus' | 'promtool'): { bin: string | null; missing: string | null } {
  const bin = findOnPath(name);
  if (bin) return { bin, missing: null };
  const missing = `\`${name}\` is not on PATH (Debian: apt-get install prometheus)`;
  if (!REQUIRE_PROMETHEUS) console.warn(`\n[atelier] ${name} tests SKIPPED: ${missing}. Set ATELIER_REQUIRE_PROMETHEUS=1 to make this an error.\n`);
  return { bin: null, missing };
}


export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
}

export interface QueryResponse {
  status: string;
  data?: { resultType: string; result: Array<{ metric: Record<string, string>; value?: [number, string] }> };
  errorType?: string;
  error?: string;
}

export interface RunningPrometheus {
  url: string;
  query(expr: string): Promise<QueryResponse>;
  /** What the process printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts the real `prometheus` binary scraping `target` (host:port) every second. */
export async function startPrometheus(bin: string, target: string, options: { flags?: string[] } = {}): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'atelier-prometheus-'));
  const config = join(dir, 'prometheus.yml');
  writeFileSync(config, [
    'global:',
    '  scrape_interval: 1s',
    '  evaluation_interval: 1s',
    'scrape_configs:',
    '  - job_name: atelier',
    '    metrics_path: /metrics',
    '    scrape_interval: 1s',
    '    static_configs:',
    `      - targets: ['${target}']`,
    '',
  ].join('\n'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(bin, [
    `--config.file=${config}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
    ...(options.flags ?? []),
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += String(chunk)));
  child.stderr?.on('data', (chunk) => (output += String(chunk)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  async function stop() {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  }

  async function query(expr: string): Promise<QueryResponse> {
    const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    return (await response.json()) as QueryResponse;
  }

  try {
    await waitFor('prometheus to be ready', async () => {
      if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}: ${output}`);
      return (await fetch(`${url}/-/ready`)).ok || undefined;
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, query, output: () => output, stop };
}

/** Every metric name an exposition (the API's /metrics text) offers, with histogram/summary series names. */
export function exposedMetricNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const line of exposition.split('\n')) {
    const type = /^# TYPE ([a-zA-Z_:][\w:]*) (\w+)/.exec(line);
    if (type) {
      const [, name = '', kind] = type;
      names.add(name);
      if (kind === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
      if (kind === 'summary') for (const suffix of ['_sum', '_count']) names.add(name + suffix);
      continue;
    }
    const sample = /^([a-zA-Z_:][\w:]*)[{\s]/.exec(line);
    if (sample?.[1]) names.add(sample[1]);
  }
  return names;
}

const PROMQL_WORDS = new Set([
  // keywords and operators
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'bool', 'and', 'or', 'unless', 'atan2', 'start', 'end', 'inf', 'nan',
  // aggregations
  'sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio',
  // functions (Prometheus 2.x and 3.x)
  'abs', 'absent', 'absent_over_time', 'acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh', 'avg_over_time', 'ceil', 'changes', 'clamp',
  'clamp_max', 'clamp_min', 'cos', 'cosh', 'count_over_time', 'days_in_month', 'day_of_month', 'day_of_week', 'day_of_year', 'deg', 'delta',
  'deriv', 'double_exponential_smoothing', 'exp', 'floor', 'histogram_avg', 'histogram_count', 'histogram_fraction', 'histogram_quantile',
  'histogram_stddev', 'histogram_stdvar', 'histogram_sum', 'holt_winters', 'hour', 'idelta', 'increase', 'info', 'irate', 'label_join',
  'label_replace', 'last_over_time', 'ln', 'log10', 'log2', 'mad_over_time', 'max_over_time', 'min_over_time', 'minute', 'month', 'pi',
  'predict_linear', 'present_over_time', 'quantile_over_time', 'rad', 'rate', 'resets', 'round', 'scalar', 'sgn', 'sin', 'sinh', 'sort',
  'sort_by_label', 'sort_by_label_desc', 'sort_desc', 'sqrt', 'stddev_over_time', 'stdvar_over_time', 'sum_over_time', 'tan', 'tanh',
  'time', 'timestamp', 'vector', 'year',
]);

/** Grafana's interval and range variables become a fixed duration Prometheus can evaluate. */
export function substituteGrafanaVariables(expr: string): string {
  return expr.replace(/\$\{__\w+(?::\w+)?\}|\$__\w+/g, '1m');
}

/** The metric names a PromQL expression selects (not labels, functions, keywords, durations or numbers). */
export function metricNamesInExpr(expr: string): string[] {
  const stripped = substituteGrafanaVariables(expr)
    .replace(/#[^\n]*/g, ' ')
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/gi, '$1()')
    .replace(/\$\{?\w+\}?/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/(?<![\w:.])([a-zA-Z_:][\w:]*)(?![\w:]|\s*\()/g)) {
    const name = match[1] ?? '';
    if (!PROMQL_WORDS.has(name.toLowerCase())) names.add(name);
  }
  return [...names];
}

/** Metric names in `expr` that the exposition does not offer. */
export function missingMetrics(expr: string, exposed: ReadonlySet<string>): string[] {
  return metricNamesInExpr(expr).filter((name) => !exposed.has(name));
}

export interface PanelTarget {
  file: string;
  panel: string;
  expr: string;
}

export interface DashboardPanel {
  title?: string;
  type?: string;
  gridPos?: { h: number; w: number; x: number; y: number };
  datasource?: { type?: string; uid?: string };
  targets?: Array<{ expr?: string; datasource?: { uid?: string } }>;
  panels?: DashboardPanel[];
}

export const DASHBOARD_DIR = join(REPO_ROOT, 'grafana', 'dashboards');

export function loadDashboards(): Array<{ file: string; dashboard: { title?: string; panels?: DashboardPanel[] } }> {
  return readdirSync(DASHBOARD_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ file, dashboard: JSON.parse(readFileSync(join(DASHBOARD_DIR, file), 'utf8')) }));
}

/** Panels of a dashboard, including those nested in collapsed rows. */
export function allPanels(panels: DashboardPanel[] = []): DashboardPanel[] {
  return panels.flatMap((panel) => [panel, ...allPanels(panel.panels)]);
}

export function dashboardTargets(): PanelTarget[] {
  return loadDashboards().flatMap(({ file, dashboard }) =>
    allPanels(dashboard.panels).flatMap((panel) => (panel.targets ?? []).map((target) => ({ file, panel: panel.title ?? '(untitled)', expr: target.expr ?? '' }))),
  );
}

/** Traffic that makes every metric family of the API carry samples: successes, failures, feedback, a GraphQL error. */
export async function driveTraffic(app: TestApp): Promise<void> {
  const ids: string[] = [];
  for (const [index, style] of ['anime', 'oil-painting', 'pixel-art'].entries()) {
    const result = await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt: `a dragon over a castle ${index}`, style } }, { as: `90000${index}` });
    if (result.data?.generate?.__typename !== 'Generation') throw new Error(`image generation failed: ${JSON.stringify(result)}`);
    ids.push(result.data.generate.id);
  }
  await app.gql(GENERATE, { input: { kind: 'VIDEO', prompt: 'a cat walking in the rain', style: 'watercolor' } }, { as: '900010' });
  await app.gql(GENERATE, { input: { kind: 'TEXT', prompt: 'hi' } }, { as: '900011' });
  await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt: '' } }, { as: '900012' });
  const rate = `mutation($id: ID!, $r: Rating!) { rateGeneration(id: $id, rating: $r) { __typename } }`;
  await app.gql(rate, { id: ids[0], r: 'UP' }, { as: '900000' });
  await app.gql(rate, { id: ids[1], r: 'DOWN' }, { as: '900001' });
  await app.gql(`mutation { submitFeedback(text: "lovely castles") { __typename } }`, {}, { as: '900002' });
  await app.gql('query { noSuchField }');
  // A job run in a worker thread, so the jobs dashboard has samples to show.
  const job = await app.gql(`mutation { runJob(name: RETENTION) { __typename ... on JobRun { status } } }`, {}, { token: ADMIN_TOKEN, as: null });
  if (job.data?.runJob?.status !== 'SUCCEEDED') throw new Error(`retention run failed: ${JSON.stringify(job)}`);
}
