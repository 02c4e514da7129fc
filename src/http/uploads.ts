import type { MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { Response } from '@whatwg-node/server';
import { authenticateBearer } from '../auth/authenticate.ts';
import { RateLimitedError } from '../limits/errors.ts';
import type { Config } from '../config.ts';
import type { AppServices } from '../graphql/context.ts';
import type { MediaStore } from '../media/media-store.ts';
import { storeUpload, UploadError } from '../media/uploads.ts';
import { ensureUser } from '../users/users.ts';
import { clientAddress } from './client-address.ts';
import { readBounded } from './read-bounded.ts';
import { route, type Route } from './router.ts';

export interface UploadRouteOptions {
  orm: MikroORM;
  store: MediaStore;
  services: AppServices;
  jwt: Config['jwt'];
  /** MEDIA_UPLOAD_MAX_BYTES. */
  maxBytes: number;
  trustProxyHops: number;
}

const TELEGRAM_ID = /^[1-9]\d{0,19}$/;

export const UPLOADS_PATH = '/uploads';

/**
 * `POST /uploads`: a user's photo or voice message, as raw bytes, from the bot (a `bot` token naming
 * the user in X-Telegram-User-Id, exactly as on /graphql). Answers `201 {"media":{"id",…}}`; the id
 * is what `answerStream(imageId)`, `transcribe` and `editImage` take. Failures are
 * `{"error":{"code",…}}` with 400/401/403/413/415.
 *
 * Why a route and not a GraphQL upload: /graphql takes JSON only (CSRF, see use-json-posts-only.ts)
 * and a small body (GRAPHQL_MAX_BODY_BYTES); base64 in a mutation would cost a third more bytes, one
 * giant string through the JSON parser, and a body limit raised for every operation. Here the body
 * is bounded by its own limit while it streams in, its type is sniffed from its bytes (the declared
 * one is ignored), and a cross-site form cannot send the Authorization header it needs. (The
 * router's general body cap leaves this path to its own, larger one.)
 */
export function createUploadRoute(options: UploadRouteOptions): Route {
  const { services } = options;
  return route('uploads', UPLOADS_PATH, async (request, _url, serverContext) => {
    const reply = (status: number, body: unknown) =>
      new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } });
    const refuse = (status: number, code: string, message: string, extra: Record<string, unknown> = {}) => reply(status, { error: { code, message, ...extra } });
    if (request.method !== 'POST') return refuse(405, 'METHOD_NOT_ALLOWED', 'POST the bytes of the file.');
    const em = options.orm.em.fork() as SqlEntityManager;
    const now = services.now();
    const result = await authenticateBearer(em, request.headers.get('authorization') ?? '', options.jwt, now);
    if (!result.ok) {
      services.failedAttempts.record(clientAddress(request, serverContext as never, options.trustProxyHops), 'auth.failed', result.reason);
      return refuse(401, 'UNAUTHENTICATED', 'The credential is invalid, expired or revoked.');
    }
    const rawUserId = request.headers.get('x-telegram-user-id') ?? '';
    if (!result.auth.scopes.has('bot') || !TELEGRAM_ID.test(rawUserId)) {
      return refuse(401, 'UNAUTHENTICATED', 'Uploads are made by a bot token for the Telegram user in X-Telegram-User-Id.');
    }
    const declared = Number(request.headers.get('content-length') ?? Number.NaN);
    if (declared > options.maxBytes) return refuse(413, 'TOO_LARGE', `The upload is over the ${options.maxBytes} byte limit.`, { maxBytes: options.maxBytes });
    const userId = services.pseudonymize(rawUserId);
    if (!(await services.access.allows(em, userId))) return refuse(403, 'ACCESS_DENIED', 'This user may not use the service.');
    const bytes = await readBounded(request, options.maxBytes);
    if (!bytes) return refuse(413, 'TOO_LARGE', `The upload is over the ${options.maxBytes} byte limit.`, { maxBytes: options.maxBytes });
    try {
      const tokenId = result.auth.tokenId;
      const user = await ensureUser(em, userId, now, {
        createdByToken: tokenId,
        admit: () => services.tokenCaps.admitNewUser(em, tokenId, services.limiter.tiers[0]!.id, now),
      });
      const asset = await storeUpload(em, user.id, bytes, { store: options.store, maxBytes: options.maxBytes, retentionHours: services.mediaRetentionHours, now });
      return reply(201, { media: { id: asset.id, mimeType: asset.mimeType, sizeBytes: asset.sizeBytes, expiresAt: asset.expiresAt?.toISOString() ?? null } });
    } catch (error) {
      if (error instanceof UploadError) return refuse(error.code === 'TOO_LARGE' ? 413 : error.code === 'EMPTY' ? 400 : 415, error.code, error.message);
      if (error instanceof RateLimitedError) return refuse(429, 'RATE_LIMITED', error.message);
      throw error;
    }
  });
}
