import type { MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import type { Logger } from 'pino';
import type { FailedAttempts } from '../auth/failed-attempts.ts';
import type { JwtOptions } from '../auth/jwt.ts';
import { clientAddress } from './client-address.ts';
import { audit } from '../audit/audit.ts';
import { authorizeRequest } from '../export/authorize.ts';
import type { Dataset } from '../export/dataset.ts';
import { EXPORT_DATASETS } from '../export/datasets/index.ts';
import { parseExportRequest } from '../export/export-request.ts';
import { createExportStream } from '../export/export-stream.ts';
import { EXPORT_LAYOUT, type DatasetName } from '../export/layout.ts';
import { route, type Route } from './router.ts';
import { Response } from '@whatwg-node/server';

export interface ExportRouteOptions {
  orm: MikroORM;
  jwt: JwtOptions | null | undefined;
  failedAttempts: FailedAttempts;
  trustProxyHops: number;
  logger: Logger;
  now: () => Date;
  /** Rows per database round trip (and per chunk of the body); tests make it small. */
  pageSize?: number;
  /** Default: the real tables (tests swap one for a dataset that fails). */
  datasets?: Record<DatasetName, Dataset<never>>;
}

const CONTENT_TYPES = { csv: 'text/csv; charset=utf-8; header=present', json: 'application/x-ndjson; charset=utf-8' } as const;
const EXTENSIONS = { csv: 'csv', json: 'ndjson' } as const;

/**
 * `GET /export?dataset=generations|rollups|usage&format=csv|json&from=YYYY-MM-DD&to=YYYY-MM-DD`:
 * a streamed download in the `atelier-export-v1` layout, for `analytics:read` or `admin`
 * credentials. The response starts before the first row is read; see export-stream.ts.
 */
export function createExportRoute(options: ExportRouteOptions): Route {
  const pageSize = options.pageSize ?? 1000;
  const datasets = options.datasets ?? EXPORT_DATASETS;
  return route('export', '/export', async (request, url, serverContext) => {
    const reply = (status: number, error: string, headers: Record<string, string> = {}) =>
      new Response(JSON.stringify({ error }), { status, headers: { 'content-type': 'application/json', ...headers } });
    if (request.method !== 'GET') return reply(405, 'method not allowed', { allow: 'GET' });
    const em = options.orm.em.fork() as SqlEntityManager;
    const now = options.now();
    const authorization = await authorizeRequest(request, {
      em, jwt: options.jwt, now, scope: 'analytics:read', failedAttempts: options.failedAttempts, client: clientAddress(request, serverContext, options.trustProxyHops),
    });
    if (!authorization.ok) return reply(authorization.status, authorization.message, authorization.status === 401 ? { 'www-authenticate': 'Bearer' } : {});
    const parsed = parseExportRequest(url.searchParams, now);
    if (!parsed.ok) return reply(400, parsed.message);
    const { dataset: name, format, range } = parsed.request;
    const dataset = datasets[name];
    const expectedRows = await dataset.count(em, range);
    const log = options.logger.child({ export: name, format, from: range.from, to: range.to, tokenId: authorization.auth.tokenId });
    log.info({ expectedRows }, 'export started');
    audit(em, { actor: authorization.auth.tokenId, action: 'data.exported', target: name, details: { format, from: range.from, to: range.to, rows: expectedRows } });
    await em.flush();
    const body = createExportStream({
      orm: options.orm, dataset, format, range, pageSize,
      onError: (error) => {
        log.error({ err: error }, 'export failed part-way; the response is aborted');
        // Over HTTP, closing the socket before the last chunk is how a client learns the body is
        // incomplete. Erroring the stream instead would be an unhandled 'error' in the adapter's
        // pipe, which takes the whole process down.
        const response = serverContext.res;
        if (!response || typeof response.destroy !== 'function') return false;
        response.destroy();
        return true;
      },
    });
    return new Response(body, {
      status: 200,
      headers: {
        'content-type': CONTENT_TYPES[format],
        'content-disposition': `attachment; filename="${EXPORT_LAYOUT}_${name}_${range.from}_${range.to}.${EXTENSIONS[format]}"`,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'x-atelier-export-layout': EXPORT_LAYOUT,
        // Rows in the range when the export started: a hint for progress bars, not a promise.
        'x-atelier-export-rows': String(expectedRows),
      },
    });
  });
}
