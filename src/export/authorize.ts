import type { SqlEntityManager } from '@mikro-orm/sql';
import { audit } from '../audit/audit.ts';
import { authenticateToken, type Authenticated, type Scope } from '../auth/api-tokens.ts';
import { looksLikeJwt, verifyJwt, type JwtOptions } from '../auth/jwt.ts';

export type Authorization = { ok: true; auth: Authenticated } | { ok: false; status: 401 | 403; message: string };

/**
 * The API's own credential check for a plain HTTP route: the same bearer API tokens and JWTs as
 * `/graphql`, the same audit row for a bad credential, and `admin` standing in for every scope.
 */
export async function authorizeRequest(
  request: Request,
  deps: { em: SqlEntityManager; jwt: JwtOptions | null | undefined; now: Date; scope: Scope },
): Promise<Authorization> {
  const header = request.headers.get('authorization');
  if (!header) return { ok: false, status: 401, message: 'Authentication required: send an API token as "Authorization: Bearer <token>".' };
  const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  const auth = !token ? null : looksLikeJwt(token) && deps.jwt ? await verifyJwt(token, deps.jwt, deps.now) : await authenticateToken(deps.em, token, deps.now);
  if (!auth) {
    audit(deps.em, { actor: 'anonymous', action: 'auth.failed', details: { kind: token && looksLikeJwt(token) ? 'jwt' : 'api_token' } });
    await deps.em.flush();
    return { ok: false, status: 401, message: 'The credential is invalid, expired or revoked.' };
  }
  if (!auth.scopes.has(deps.scope) && !auth.scopes.has('admin')) return { ok: false, status: 403, message: `This credential lacks the "${deps.scope}" scope.` };
  return { ok: true, auth };
}
