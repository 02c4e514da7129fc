import { GraphQLError } from 'graphql';
import type { Scope } from '../auth/api-tokens.ts';
import type { Context } from './context.ts';

export function requireScope(ctx: Context, scope: Scope): void {
  if (!ctx.auth) {
    throw new GraphQLError('Authentication required: send an API token as "Authorization: Bearer <token>".', {
      extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
    });
  }
  if (!ctx.auth.scopes.has(scope) && !ctx.auth.scopes.has('admin')) {
    throw new GraphQLError(`This token lacks the "${scope}" scope.`, { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
  }
}
