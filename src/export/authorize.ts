import type { SqlEntityManager } from '@mikro-orm/sql';
import type { Authenticated, Scope } from '../auth/api-tokens.ts';
import { authenticateBearer } from '../auth/authenticate.ts';
import type { FailedAttempts } from '../auth/failed-attempts.ts';
import type { JwtOptions } from '../auth/jwt.ts';

export type Authorization = { ok: true; auth: Authenticated } | { ok: false; status: 401 | 403; message: string };

/**
 * The API's own credential check for a plain HTTP route: the same bearer API tokens and JWTs as
 * `/graphql`, the same counting of a bad credential, and `admin` standing in for every scope.
 */
export async function authorizeRequest(
  request: Request,
  deps: { em: SqlEntityManager; jwt: JwtOptions | null | undefined; now: Date; scope: Scope; failedAttempts: FailedAttempts; client: string | null },
): Promise<Authorization> {
  const header = request.headers.get('authorization');
  if (!header) return { ok: false, status: 401, message: 'Authentication required: send an API token as "Authorization: Bearer <token>".' };
  const result = await authenticateBearer(deps.em, header, deps.jwt, deps.now);
  if (!result.ok) {
    deps.failedAttempts.record(deps.client, 'auth.failed', result.reason);
    return { ok: false, status: 401, message: 'The credential is invalid, expired or revoked.' };
  }
  const auth = result.auth;
  if (!auth.scopes.has(deps.scope) && !auth.scopes.has('admin')) return { ok: false, status: 403, message: `This credential lacks the "${deps.scope}" scope.` };
  return { ok: true, auth };
}
