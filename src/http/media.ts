import type { MikroORM } from '@mikro-orm/core';
import { MediaAsset } from '../db/entities/media-asset.ts';
import { isMediaExpired } from '../retention/policy.ts';
import { UUID_PATTERN } from '../ids.ts';
import type { MediaStore } from '../media/media-store.ts';
import type { MediaUrlSigner } from '../media/signed-url.ts';
import { route, type Route } from './router.ts';
import { Response } from '@whatwg-node/server';

export interface MediaRouteOptions {
  orm: MikroORM;
  store: MediaStore;
  signer: MediaUrlSigner;
  /** With 0 ("delete right after delivery") an expired file still serves until retention removes it. */
  retentionHours: number;
  now: () => Date;
}

/** Serves `GET /media/:id?expires=…&sig=…`: a signed, expiring link to a generated file. */
export function createMediaRoute(options: MediaRouteOptions): Route {
  return route('media', '/media/', async (request, url) => {
    const reply = (status: number, message: string) => new Response(message, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
    if (request.method !== 'GET' && request.method !== 'HEAD') return reply(405, 'method not allowed');
    const id = url.pathname.slice('/media/'.length);
    const expires = Number(url.searchParams.get('expires'));
    const signature = url.searchParams.get('sig') ?? '';
    const nowSeconds = Math.floor(options.now().getTime() / 1000);
    if (!UUID_PATTERN.test(id) || !options.signer.verify(id, expires, signature, nowSeconds)) {
      return reply(403, 'this link is invalid or has expired');
    }
    const asset = await options.orm.em.fork().findOne(MediaAsset, { id });
    const expired = asset != null && isMediaExpired(asset, options.retentionHours, options.now());
    const bytes = asset && !asset.deletedAt && !expired ? await options.store.get(asset.storageKey) : null;
    if (!asset || !bytes) return reply(410, 'this file has been deleted');
    return new Response(request.method === 'HEAD' ? null : (bytes as Uint8Array<ArrayBuffer>), {
      status: 200,
      headers: {
        'content-type': asset.mimeType,
        'content-length': String(bytes.byteLength),
        'cache-control': `private, max-age=${Math.max(0, expires - nowSeconds)}`,
        etag: `"${asset.sha256}"`,
        'x-content-type-options': 'nosniff',
      },
    });
  });
}
