/**
 * Static checks of the observability stack (Docker does not run here): docker-compose.yml, the
 * Prometheus, collector and Grafana provisioning files, the dashboards and the README's port table.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { DASHBOARD_DIR, REPO_ROOT, allPanels, loadDashboards } from './helpers/prometheus.ts';

type Volume = string | { type?: string; source?: string; target?: string };
type Port = string | number | { published?: string | number; target?: number };
interface Service { image?: string; build?: unknown; profiles?: string[]; ports?: Port[]; volumes?: Volume[]; environment?: Record<string, string> }

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
const compose = parse(read('docker-compose.yml')) as { services: Record<string, Service>; volumes?: Record<string, unknown> };
const services = Object.entries(compose.services);

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
  test('has the API, the observability services, and PostgreSQL and MinIO under the scale profile', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'grafana', 'jaeger', 'minio', 'otel-collector', 'postgres', 'prometheus']);
    for (const name of ['postgres', 'minio']) expect(compose.services[name]?.profiles, name).toEqual(['scale']);
    for (const name of ['api', 'prometheus', 'grafana', 'otel-collector', 'jaeger']) expect(compose.services[name]?.profiles, name).toBeUndefined();
  });

  test('every service image is pinned to an explicit version, never latest', () => {
    for (const [name, service] of services) {
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
    const api = compose.services['api'];
    expect(api?.environment?.['HOST']).toBe('0.0.0.0');
    expect(api?.environment?.['OTEL_EXPORTER_OTLP_ENDPOINT']).toBe('http://otel-collector:4318');
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
  test('grafana/prometheus.yml scrapes the API service on /metrics', () => {
    const config = parse(read('grafana/prometheus.yml'));
    const job = config.scrape_configs.find((entry: { static_configs?: Array<{ targets: string[] }> }) => entry.static_configs?.some((s) => s.targets.includes('api:4000')));
    expect(job?.metrics_path).toBe('/metrics');
    expect(job?.scrape_interval).toBe('15s');
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
    const datasource = parse(read('grafana/provisioning/datasources/prometheus.yml')).datasources[0];
    expect(datasource).toMatchObject({ uid: 'prometheus', type: 'prometheus', url: 'http://prometheus:9090' });
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

  test('the overview is titled "Atelier overview"', () => {
    const overview = loadDashboards().find((d) => d.file === 'atelier-overview.json');
    expect(overview?.dashboard.title).toBe('Atelier overview');
  });
});
