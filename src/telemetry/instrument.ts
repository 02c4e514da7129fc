/**
 * Loaded with `node --import` before the application, so the tracer provider, context manager
 * and propagators exist before any other module runs.
 */
import { readFileSync } from 'node:fs';
import { parseConfig } from '../config.ts';
import { loadOtlpExporter, startTracing } from './tracing.ts';

try {
  const config = parseConfig(process.env);
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  startTracing({ serviceName: config.telemetry.serviceName, serviceVersion: version, environment: config.env, exporter: await loadOtlpExporter(config.telemetry.otlpEndpoint) });
} catch {
  // A bad configuration is reported, all at once, by main.ts; tracing simply stays off.
}
