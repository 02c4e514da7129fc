/**
 * Static checks of the observability stack (Docker does not run here): docker-compose.yml (against
 * test/fixtures/compose-spec.json, the Compose Specification's schema/compose-spec.json as published by
 * compose-spec/compose-spec at commit 00655e22, Apache-2.0, vendored because tests talk to loopback only), the
 * Prometheus, collector and Grafana provisioning files, the dashboards and the README's port table.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { DASHBOARD_DIR, REPO_ROOT, allPanels, loadDashboards } from './helpers/prometheus.ts';

type Volume = string | { type?: string; source?: string; target?: string };
type Port = string | number | { published?: string | number; target?: number; host_ip?: string };
interface Healthcheck { test?: string | string[]; disable?: boolean; interval?: string }
interface Service {
  image?: string; build?: string | { context?: string; dockerfile?: string }; profiles?: string[]; ports?: Port[]; volumes?: Volume[];
  environment?: Record<string, string>; env_file?: Array<string | { path: string; required?: boolean }>; init?: boolean;
  stop_grace_period?: string; healthcheck?: Healthcheck; depends_on?: Record<string, { condition: string }> | string[];
  deploy?: { replicas?: number }; command?: string | string[]; restart?: string;
}
const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
// Compose resolves YAML merge keys (`<<: *api`), as YAML 1.1 did.
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service>; volumes?: Record<string, unknown> };
const services = Object.entries(compose.services);
const composeSchema = z.fromJSONSchema(JSON.parse(read('test/fixtures/compose-spec.json')), { defaultTarget: 'draft-7' });
const apiServices = ['api', 'api-scale', 'create-bucket', 'scheduler'];
/** src/main.ts's forceExitMs: the longest a clean shutdown may take before the process gives up. */
const SHUTDOWN_DEADLINE_SECONDS = 20;

/** Seconds of a Compose duration such as `30s`, `1m30s` or `2m`. */
function durationSeconds(value: string): number {
  let seconds = 0;
  for (const [, amount = '0', unit] of value.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us)/g)) {
    seconds += Number(amount) * ({ h: 3600, m: 60, s: 1, ms: 0.001, us: 0.000001 } as Record<string, number>)[unit ?? 's']!;
  }
  return seconds;
}

const text = (command: string | string[] | undefined) => (Array.isArray(command) ? command.join(' ') : command ?? '');

/** The tag of an image reference (`registry:5000/name:tag@digest`), or null. */
function imageTag(image: string): string | null {
  const name = image.split('@')[0] ?? '';
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(colon + 1) : null;
}

/** Host ports a `ports:` entry publishes (short syntax with optional IP, ranges and protocol, or long syntax). */
function publishedPorts(port: Port): number[] {
  if (typeof port === 'object') return port.published === undefined ? [] : [Number(port.published)];
  const parts = String(port).replace(/\/(tcp|udp)$/, '').split(':');
  if (parts.length < 2) return []; // container port only: Docker picks a random host port
  const [from = '', to = from] = (parts[parts.length - 2] ?? '').split('-');
  const ports: number[] = [];
  for (let p = Number(from); p <= Number(to); p++) ports.push(p);
  return ports;
}

/** Host side of a bind mount, or null for named and anonymous volumes. */
function bindSource(volume: Volume): string | null {
  if (typeof volume === 'object') return volume.type === 'bind' ? (volume.source ?? '') : null;
  const [source, target] = volume.split(':');
  if (target === undefined || !source) return null;
  return /^[./~]/.test(source) ? source : null;
}

/** Rows of the port table in the README section "The observability stack": name, port, note. */
function readmePortTable(): Array<{ name: string; port: number }> {
  const readme = read('README.md');
  const start = readme.indexOf('\n## The observability stack\n');
  expect(start, 'README has a "## The observability stack" section').toBeGreaterThanOrEqual(0);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end === -1 ? undefined : end);
  return section
    .split('\n')
    .map((line) => /^\|([^|]+)\|\s*(\d+)\s*\|([^|]*)\|\s*$/.exec(line))
    .filter((match) => match !== null)
    .map((match) => ({ name: (match[1] ?? '').trim(), port: Number(match[2]) }));
}

describe('docker-compose.yml', () => {
  test('is valid under the Compose Specification\'s JSON schema (vendored in test/fixtures/compose-spec.json)', () => {
    const result = composeSchema.safeParse(compose);
    expect(result.success ? [] : result.error.issues.slice(0, 5)).toEqual([]);
  });

  test('the schema check can fail: a misspelt key, a bad depends_on condition and a duplicate port are refused', () => {
    const misspelt = structuredClone(compose) as any;
    misspelt.services.api.helthcheck = misspelt.services.api.healthcheck;
    expect(composeSchema.safeParse(misspelt).success).toBe(false);
    const condition = structuredClone(compose) as any;
    condition.services.grafana.depends_on = { prometheus: { condition: 'service_up' } };
    expect(composeSchema.safeParse(condition).success).toBe(false);
    const ports = structuredClone(compose) as any;
    ports.services.api.ports = ['127.0.0.1:4000:4000', '127.0.0.1:4000:4000'];
    expect(composeSchema.safeParse(ports).success).toBe(false);
  });

  test('has the API and observability by default, and PostgreSQL, SeaweedFS, the bucket one-shot, replicas and a scheduler under scale', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'api-scale', 'create-bucket', 'grafana', 'jaeger', 'otel-collector', 'postgres', 'prometheus', 'scheduler', 'seaweedfs']);
    for (const name of ['postgres', 'seaweedfs', 'create-bucket', 'api-scale', 'scheduler']) expect(compose.services[name]?.profiles, name).toEqual(['scale']);
    for (const name of ['api', 'prometheus', 'grafana', 'otel-collector', 'jaeger']) expect(compose.services[name]?.profiles, name).toBeUndefined();
    // MinIO's images left Docker Hub (September 2026) and its community edition is archived.
    expect(services.map(([, service]) => service.image ?? '').filter((image) => /minio/i.test(image))).toEqual([]);
  });

  test('the API services are built from ./Dockerfile, run an init, and get longer to stop than the 20 s shutdown deadline', () => {
    for (const name of apiServices) {
      const service = compose.services[name]!;
      expect(service.build, name).toMatchObject({ context: '.', dockerfile: 'Dockerfile' });
      expect(service.init, name).toBe(true);
      expect(durationSeconds(service.stop_grace_period ?? '10s'), `${name} stop_grace_period`).toBeGreaterThan(SHUTDOWN_DEADLINE_SECONDS);
    }
    expect(compose.services['postgres']?.stop_grace_period).toBeDefined();
  });

  test('every long-running service a service waits for has a healthcheck, and waits use service_healthy (or completion for the one-shot)', () => {
    for (const [name, service] of services) {
      const dependsOn = service.depends_on ?? {};
      expect(Array.isArray(dependsOn), `${name}: depends_on names a condition`).toBe(false);
      for (const [dependency, { condition }] of Object.entries(dependsOn as Record<string, { condition: string }>)) {
        const target = compose.services[dependency];
        if (dependency === 'create-bucket') {
          expect(condition, `${name} -> ${dependency}`).toBe('service_completed_successfully');
          continue;
        }
        expect(condition, `${name} -> ${dependency}`).toBe('service_healthy');
        expect(target?.healthcheck?.test, `${dependency} has a healthcheck`).toBeDefined();
      }
    }
    for (const name of ['api', 'api-scale', 'scheduler', 'postgres', 'seaweedfs', 'prometheus', 'grafana']) {
      expect(compose.services[name]?.healthcheck?.test, `${name} healthcheck`).toBeDefined();
    }
    // The API's probe is the image's own: `{ health { ok } }` over loopback, its modules from the image's cache.
    expect(compose.services['api']?.healthcheck?.test).toEqual(['CMD', 'node', '--import', './src/typescript-cache.js', 'scripts/healthcheck.ts']);
    // So is every other node process a container starts.
    for (const [name, service] of Object.entries(compose.services)) {
      for (const argv of [service.command, service.healthcheck?.test?.slice(1)]) {
        if (Array.isArray(argv) && argv[0] === 'node') expect(argv.slice(1, 3), `${name}: ${argv.join(' ')}`).toEqual(['--import', './src/typescript-cache.js']);
      }
    }
  });

  test('every published port listens on 127.0.0.1 only', () => {
    for (const [name, service] of services) {
      for (const port of service.ports ?? []) {
        const hostIp = typeof port === 'object' ? port.host_ip : String(port).split(':').length === 3 ? String(port).split(':')[0] : undefined;
        expect(hostIp, `${name}: ${JSON.stringify(port)}`).toBe('127.0.0.1');
      }
    }
  });

  test('secrets come from compose.env, which git ignores; no password is written in the compose file', () => {
    for (const name of [...apiServices, 'postgres', 'seaweedfs', 'grafana']) {
      expect(compose.services[name]?.env_file, name).toEqual([{ path: './compose.env', required: true }]);
    }
    expect(read('.gitignore').split('\n')).toContain('compose.env');
    for (const [name, service] of services) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        // Only an empty value (which switches a setting off) may stand beside a secret's name.
        if (/PASSWORD|SECRET|TOKEN|ACCESS_KEY/.test(key)) expect(value, `${name}: ${key}`).toBe('');
        expect(String(value), `${name}: ${key}`).not.toMatch(/:\/\/[^@\s/]*:[^@\s/]*@/);
      }
    }
  });

  test('the scale profile runs two API replicas on PostgreSQL with media in the S3 bucket the one-shot creates', () => {
    const scale = compose.services['api-scale']!;
    expect(scale.deploy?.replicas).toBe(2);
    expect(scale.environment).toMatchObject({ MEDIA_STORE: 's3', S3_BUCKET: 'atelier-media', DATABASE_URL: expect.stringMatching(/^postgres:\/\/atelier@postgres:5432\/atelier$/), SCHEDULER: 'false' });
    expect(scale.environment?.['S3_ENDPOINT']).toMatch(/^http:\/\/s3\.localhost:8333$/);
    expect(Object.keys(scale.depends_on ?? {}).sort()).toEqual(['create-bucket', 'postgres']);
    const bucket = compose.services['create-bucket']!;
    expect(bucket.command).toEqual(['node', '--import', './src/typescript-cache.js', 'scripts/create-bucket.ts']);
    expect(bucket.restart).toBe('no');
    // The one-shot sees the same store as the replicas it creates the bucket for.
    for (const [key, value] of Object.entries(bucket.environment ?? {})) expect(scale.environment?.[key], key).toBe(value);
    expect(compose.services['scheduler']?.environment).toMatchObject({ DATABASE_URL: scale.environment?.['DATABASE_URL'], MEDIA_STORE: 's3' });
    expect(text(compose.services['seaweedfs']?.command)).toMatch(/^mini /);
  });

  test('every third-party image is pinned to an explicit version, never latest', () => {
    for (const [name, service] of services) {
      if (service.build) continue;
      expect(service.image, `${name} has an image`).toBeTypeOf('string');
      const tag = imageTag(service.image ?? '');
      expect(tag, `${name}: ${service.image} has a tag`).not.toBeNull();
      expect(tag, `${name}: ${service.image}`).not.toBe('latest');
      expect(tag, `${name}: ${service.image} names a version`).toMatch(/\d/);
    }
  });

  test('every bind-mounted host path exists in the repo; named volumes are declared', () => {
    const declared = Object.keys(compose.volumes ?? {});
    for (const [name, service] of services) {
      for (const volume of service.volumes ?? []) {
        const source = bindSource(volume);
        if (source === null) {
          const named = typeof volume === 'string' ? volume.split(':')[0] : volume.source;
          if (typeof volume === 'string' && volume.includes(':')) expect(declared, `${name}: volume ${named}`).toContain(named);
          continue;
        }
        const path = resolve(REPO_ROOT, source);
        expect(isAbsolute(source) || relative(REPO_ROOT, path).startsWith('..'), `${name}: ${source} is inside the repo`).toBe(false);
        expect(existsSync(path), `${name}: ${source} exists`).toBe(true);
      }
    }
  });

  test('the API listens on all interfaces and sends spans to the collector', () => {
    for (const name of ['api', 'api-scale']) {
      const api = compose.services[name];
      expect(api?.environment?.['HOST'], name).toBe('0.0.0.0');
      expect(api?.environment?.['OTEL_EXPORTER_OTLP_ENDPOINT'], name).toBe('http://otel-collector:4318');
    }
  });

  test("the published host ports are exactly the README's port table", () => {
    const published = services.flatMap(([, service]) => (service.ports ?? []).flatMap(publishedPorts));
    expect(new Set(published).size, 'no host port is published twice').toBe(published.length);
    const table = readmePortTable();
    expect(table.length).toBeGreaterThan(0);
    const tablePorts = table.map((row) => row.port);
    expect(published.filter((port) => !tablePorts.includes(port)), 'published in compose but missing from the README table').toEqual([]);
    expect(tablePorts.filter((port) => !published.includes(port)), 'in the README table but published by no service').toEqual([]);
    for (const row of table) expect(row.name, `port ${row.port}`).not.toBe('');
  });
});

describe('Prometheus, collector and Grafana provisioning files', () => {
  test('grafana/prometheus.yml scrapes every API process and the scheduler on /metrics, and loads the rules', () => {
    const config = parse(read('grafana/prometheus.yml'));
    const job = config.scrape_configs.find((entry: { job_name: string }) => entry.job_name === 'atelier-api');
    expect(job?.metrics_path).toBe('/metrics');
    expect(job?.scrape_interval).toBe('15s');
    const names = job.dns_sd_configs.flatMap((entry: { names: string[]; port: number }) => entry.names.map((name) => `${name}:${entry.port}`));
    expect(names.sort()).toEqual(['api-scale:4000', 'api:4000', 'scheduler:9464']);
    expect(compose.services['scheduler']?.environment?.['METRICS_PORT']).toBe('9464');
    expect(config.rule_files).toEqual(['/etc/prometheus/rules/atelier.rules.yml']);
    expect(compose.services['prometheus']?.volumes).toContain('./grafana/rules:/etc/prometheus/rules:ro');
    expect(existsSync(join(REPO_ROOT, 'grafana/rules/atelier.rules.yml'))).toBe(true);
    expect(text(compose.services['prometheus']?.command)).toContain('--enable-feature=exemplar-storage');
  });

  test('the collector receives OTLP on 4317 and 4318 and exports traces to Jaeger', () => {
    const config = parse(read('grafana/otel-collector.yml'));
    expect(config.receivers.otlp.protocols.grpc.endpoint).toMatch(/:4317$/);
    expect(config.receivers.otlp.protocols.http.endpoint).toMatch(/:4318$/);
    const exporters: string[] = config.service.pipelines.traces.exporters;
    expect(exporters.map((name) => config.exporters[name]?.endpoint)).toContain('jaeger:4317');
    expect(config.service.pipelines.traces.processors).toContain('batch');
  });

  test('every Grafana provisioning YAML parses; the datasource and dashboard folder match compose', () => {
    const dirs = ['grafana/provisioning/datasources', 'grafana/provisioning/dashboards'];
    const files = dirs.flatMap((dir) => readdirSync(join(REPO_ROOT, dir)).filter((f) => /\.ya?ml$/.test(f)).map((f) => `${dir}/${f}`));
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const file of files) expect(parse(read(file))?.apiVersion, file).toBe(1);
    const [datasource, jaeger] = parse(read('grafana/provisioning/datasources/prometheus.yml')).datasources;
    expect(datasource).toMatchObject({ uid: 'prometheus', type: 'prometheus', url: 'http://prometheus:9090' });
    // Exemplars' trace ids open the trace in the Jaeger datasource.
    expect(jaeger).toMatchObject({ uid: 'jaeger', type: 'jaeger', url: 'http://jaeger:16686' });
    expect(datasource.jsonData.exemplarTraceIdDestinations).toEqual([{ name: 'trace_id', datasourceUid: 'jaeger' }]);
    const provider = parse(read('grafana/provisioning/dashboards/dashboards.yml')).providers[0];
    expect(provider).toMatchObject({ type: 'file', folder: 'Atelier', options: { path: '/var/lib/grafana/dashboards' } });
    expect(compose.services['grafana']?.volumes).toContain('./grafana/dashboards:/var/lib/grafana/dashboards:ro');
  });
});

describe('dashboards', () => {
  test('every dashboard JSON parses, and every panel queries the prometheus datasource with a non-empty expr', () => {
    const dashboards = loadDashboards();
    expect(dashboards.map((d) => d.file)).toContain('atelier-overview.json');
    for (const { file, dashboard } of dashboards) {
      expect(dashboard.title, file).toBeTruthy();
      const panels = allPanels(dashboard.panels);
      expect(panels.length, file).toBeGreaterThan(0);
      for (const panel of panels) {
        const where = `${file} › ${panel.title ?? '(untitled)'}`;
        expect(panel.title, where).toBeTruthy();
        expect(panel.type, where).toBeTruthy();
        expect(panel.gridPos, where).toMatchObject({ h: expect.any(Number), w: expect.any(Number), x: expect.any(Number), y: expect.any(Number) });
        expect(panel.datasource?.uid, where).toBe('prometheus');
        expect(panel.targets?.length, `${where} has targets`).toBeGreaterThan(0);
        for (const target of panel.targets ?? []) {
          expect(target.expr?.trim(), `${where}: expr`).toBeTruthy();
          if (target.datasource) expect(target.datasource.uid, `${where}: target datasource`).toBe('prometheus');
        }
      }
    }
    expect(DASHBOARD_DIR).toBe(join(REPO_ROOT, 'grafana', 'dashboards'));
  });

  test('every dashboard is at the schema version of the pinned Grafana (12.4: 42), so Grafana migrates nothing on load', () => {
    expect(compose.services['grafana']?.image).toBe('grafana/grafana:12.4.3');
    for (const { file, dashboard } of loadDashboards()) expect((dashboard as { schemaVersion?: number }).schemaVersion, file).toBe(42);
  });

  test('the overview is titled "Atelier overview"', () => {
    const overview = loadDashboards().find((d) => d.file === 'atelier-overview.json');
    expect(overview?.dashboard.title).toBe('Atelier overview');
  });
});
