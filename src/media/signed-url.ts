import { createHmac, timingSafeEqual } from 'node:crypto';

export interface MediaUrlSigner {
  /** A URL that serves the asset until `expiresAt` (unix seconds). */
  url(assetId: string, expiresAt: number): string;
  verify(assetId: string, expiresAt: number, signature: string, nowSeconds: number): boolean;
}

export function createMediaUrlSigner(secret: string, publicUrl: string): MediaUrlSigner {
  const sign = (assetId: string, expiresAt: number) =>
    createHmac('sha256', secret).update(`media:${assetId}:${expiresAt}`).digest('base64url');
  return {
    url(assetId, expiresAt) {
      return `${publicUrl}/media/${assetId}?expires=${expiresAt}&sig=${sign(assetId, expiresAt)}`;
    },
    verify(assetId, expiresAt, signature, nowSeconds) {
      if (!Number.isSafeInteger(expiresAt) || expiresAt < nowSeconds) return false;
      const expected = Buffer.from(sign(assetId, expiresAt));
      const given = Buffer.from(signature);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
