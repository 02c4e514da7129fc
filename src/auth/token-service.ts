import type { SqlEntityManager } from '@mikro-orm/sql';
import { ApiToken, type IApiToken } from '../db/entities/api-token.ts';
import { UUID_PATTERN } from '../ids.ts';
import { issueApiToken, revokeApiToken, type Scope } from './api-tokens.ts';
import { revokeJwt, type RevokeJwtResult } from './authenticate.ts';

export interface TokenServiceDeps {
  em: SqlEntityManager;
  /** JWT_MAX_LIFETIME_SECONDS; absent without JWT_SECRET (then there are no JWTs to revoke). */
  jwtMaxLifetimeSeconds: number | undefined;
  now: () => Date;
}

/** Admins' credentials: API tokens (hash only) and JWT revocations, every change audited. */
export function createTokenService(deps: TokenServiceDeps) {
  const { em } = deps;
  return {
    list: (): Promise<IApiToken[]> => em.find(ApiToken, {}, { orderBy: { createdAt: 'desc' } }),
    /** The new token (shown once) and its row. */
    async issue(name: string, scopes: readonly Scope[], expiresAt: Date | null, actor: string): Promise<{ token: string; row: IApiToken }> {
      const { id, token } = await issueApiToken(em, name, [...new Set(scopes)], { expiresAt, actor });
      return { token, row: await em.findOneOrFail(ApiToken, { id }) };
    },
    /** The revoked token's row; null when there is no such token. */
    async revoke(id: string, actor: string): Promise<IApiToken | null> {
      if (!UUID_PATTERN.test(id) || !(await revokeApiToken(em, id, actor, deps.now()))) return null;
      return em.findOneOrFail(ApiToken, { id });
    },
    /** Null when this instance accepts no JWTs (JWT_SECRET unset). */
    revokeJwt: (jti: string, actor: string): Promise<RevokeJwtResult> | null =>
      deps.jwtMaxLifetimeSeconds === undefined ? null : revokeJwt(em, jti, { actor, now: deps.now(), maxLifetimeSeconds: deps.jwtMaxLifetimeSeconds }),
  };
}

export type TokenService = ReturnType<typeof createTokenService>;
