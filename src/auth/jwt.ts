import { jwtVerify } from 'jose';
import { SCOPES, type Authenticated, type Scope } from './api-tokens.ts';

export interface JwtOptions {
  secret: string;
  issuer: string;
  audience: string;
}

/**
 * HS256 JSON Web Tokens for admin tools and future web clients: signature, issuer, audience and
 * expiry are all checked (an `exp` claim is required). Scopes come from the OAuth-style `scope`
 * claim, space-separated.
 */
export async function verifyJwt(token: string, options: JwtOptions): Promise<Authenticated | null> {
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(options.secret), {
      algorithms: ['HS256'],
      issuer: options.issuer,
      audience: options.audience,
      requiredClaims: ['exp', 'sub'],
    });
    const claimed = typeof payload['scope'] === 'string' ? payload['scope'].split(' ') : [];
    const scopes = new Set(claimed.filter((scope): scope is Scope => (SCOPES as readonly string[]).includes(scope)));
    return { tokenId: `jwt:${String(payload.sub).slice(0, 40)}`, scopes };
  } catch {
    return null;
  }
}

export function looksLikeJwt(token: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token);
}
