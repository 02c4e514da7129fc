import { gzipSync } from 'node:zlib';
import { GRAPHIQL_ASSET_BASE, GRAPHIQL_ASSETS, readGraphiqlAsset } from '../graphql/graphiql-assets.ts';
import { route, type Route } from './router.ts';
import { Response } from '@whatwg-node/server';

interface Asset {
  raw: Buffer;
  gzip: Buffer;
}

/**
 * `GET /graphiql/<version>/<file>`: GraphiQL's bundle (about 8 MB, 2 MB gzipped), read and
 * compressed once on first use and kept, so a server that never shows GraphiQL never loads it.
 */
export function createGraphiqlAssetsRoute(): Route {
  const cache = new Map<string, Asset>();
  const load = (name: string): Asset => {
    let asset = cache.get(name);
    if (!asset) {
      const raw = readGraphiqlAsset(name);
      asset = { raw, gzip: gzipSync(raw) };
      cache.set(name, asset);
    }
    return asset;
  };
  return route('graphiql-assets', '/graphiql/', (request, url) => {
    const name = url.pathname.startsWith(GRAPHIQL_ASSET_BASE) ? url.pathname.slice(GRAPHIQL_ASSET_BASE.length) : '';
    const contentType = Object.hasOwn(GRAPHIQL_ASSETS, name) ? GRAPHIQL_ASSETS[name] : undefined;
    if (!contentType) return new Response('not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405, headers: { allow: 'GET, HEAD' } });
    const asset = load(name);
    const gzip = /\bgzip\b/.test(request.headers.get('accept-encoding') ?? '');
    const bytes = gzip ? asset.gzip : asset.raw;
    return new Response(request.method === 'HEAD' ? null : (bytes as Uint8Array<ArrayBuffer>), {
      status: 200,
      headers: {
        'content-type': contentType,
        'content-length': String(bytes.byteLength),
        ...(gzip ? { 'content-encoding': 'gzip' } : {}),
        vary: 'accept-encoding',
        'cache-control': 'public, max-age=31536000, immutable',
        'x-content-type-options': 'nosniff',
      },
    });
  });
}
