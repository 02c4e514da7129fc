import { SCOPES, type Authenticated, type Scope } from './api-tokens.ts';

export interface JwtOptions {
  secret: string;
  issuer: string;
  audience: string;
  /** Longest accepted lifetime (`exp - iat`) and oldest accepted `iat`, in seconds. */
  maxLifetimeSeconds: number;
  /** Tokens issued (`iat`) before this instant are refused: how every JWT issued so far is revoked. */
  notBefore?: Date | undefined;
}

/** What a `jti` may look like: the key of the revocation table. */
export const JTI_PATTERN = /^[\w.:-]{1,128}$/;

/** Clocks of the issuer and this server may disagree by this much (applies to exp, nbf and iat). */
export const JWT_CLOCK_SKEW_SECONDS = 60;

/**
 * HS256 JSON Web Tokens for admin tools and future web clients: signature, issuer, audience,
 * expiry and issue time are all checked. `exp`, `iat`, `sub` and `jti` are required; a token may live at
 * most `maxLifetimeSeconds` (by `exp - iat` and by its age), may not be issued in the future
 * (beyond the clock skew) and may not be issued before `notBefore`. Scopes come from the
 * OAuth-style `scope` claim, space-separated.
 */
export async function verifyJwt(token: string, options: JwtOptions, now: Date = new Date()): Promise<Authenticated | null> {
  // Imported on the first JWT (only with JWT_SECRET): a process that never sees one never loads jose's 46 modules.
  const { jwtVerify } = await import('jose');
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(options.secret), {
      algorithms: ['HS256'],
      issuer: options.issuer,
      audience: options.audience,
      // jti names the token, so that it can be revoked alone (see revokeJwt).
      requiredClaims: ['exp', 'iat', 'sub', 'jti'],
      // Also refuses an `iat` in the future, beyond the tolerance.
      maxTokenAge: options.maxLifetimeSeconds,
      clockTolerance: JWT_CLOCK_SKEW_SECONDS,
      currentDate: now,
    });
    const { exp, iat, jti } = payload as { exp: number; iat: number; jti: unknown };
    if (typeof jti !== 'string' || !JTI_PATTERN.test(jti)) return null;
    if (exp - iat > options.maxLifetimeSeconds) return null;
    if (options.notBefore && iat * 1000 < options.notBefore.getTime()) return null;
    const claimed = typeof payload['scope'] === 'string' ? payload['scope'].split(' ') : [];
    const scopes = new Set(claimed.filter((scope): scope is Scope => (SCOPES as readonly string[]).includes(scope)));
    return { tokenId: `jwt:${String(payload.sub).slice(0, 40)}`, scopes, jti };
  } catch {
    return null;
  }
}

export function looksLikeJwt(token: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token);
}
