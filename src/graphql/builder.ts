import SchemaBuilder from '@pothos/core';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { GraphQLError } from 'graphql';
import TracingPlugin, { isRootField } from '@pothos/plugin-tracing';
import { createOpenTelemetryWrapper } from '@pothos/tracing-opentelemetry';
import { getTracer } from '../telemetry/tracing.ts';
import type { Context } from './context.ts';

const traced = createOpenTelemetryWrapper(getTracer(), {
  includeArgs: false,
  includeSource: false,
  onSpan: (span, _options, _parent, _args, _context, info) => span.updateName(`${info.parentType.name}.${info.fieldName}`),
});

/** The schema builder. Types live in schema/<domain>.ts; this file only configures. */
export const builder = new SchemaBuilder<{
  Context: Context;
  Scalars: { DateTime: { Input: Date; Output: Date } };
  DefaultFieldNullability: false;
  /** `bot` acts for Telegram users, `analytics` reads aggregates, `admin` may do everything. */
  AuthScopes: { bot: boolean; analytics: boolean; admin: boolean };
}>({
  plugins: [TracingPlugin, ScopeAuthPlugin, ErrorsPlugin, RelayPlugin],
  scopeAuth: {
    authScopes: (ctx) => {
      const scopes = ctx.auth?.scopes ?? new Set();
      const admin = scopes.has('admin');
      return { bot: admin || scopes.has('bot'), analytics: admin || scopes.has('analytics:read'), admin };
    },
    unauthorizedError: (_parent, ctx) =>
      ctx.auth
        ? new GraphQLError('This credential lacks the scope this field needs.', { extensions: { code: 'FORBIDDEN', http: { status: 403 } } })
        : new GraphQLError('Authentication required: send an API token as "Authorization: Bearer <token>".', {
            extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
          }),
  },
  // A span per root field (the resolvers of interest), never with arguments: they hold prompts.
  tracing: {
    default: (config) => isRootField(config),
    wrap: (resolver, options) => traced(resolver, options),
  },
  defaultFieldNullability: false,
  errors: { directResult: true },
  relay: { clientMutationId: 'omit', cursorType: 'String', nodeQueryOptions: false, nodesQueryOptions: false },
});
