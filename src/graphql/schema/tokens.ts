import type { IApiToken } from '../../db/entities/api-token.ts';
import { SCOPES } from '../../auth/api-tokens.ts';
import { builder } from '../builder.ts';
import { InvalidInputError, NotFoundError } from './errors.ts';

const TokenScope = builder.enumType('TokenScope', {
  values: { BOT: { value: 'bot' }, ANALYTICS_READ: { value: 'analytics:read' }, ADMIN: { value: 'admin' } } as const,
});

const ApiTokenRef = builder.objectRef<IApiToken>('ApiToken').implement({
  description: 'An API credential. Only its hash is stored; the token itself was shown once, at issue.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    scopes: t.field({ type: [TokenScope], resolve: (row) => row.scopes.split(',').filter((scope): scope is (typeof SCOPES)[number] => (SCOPES as readonly string[]).includes(scope)) }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
  }),
});

const IssuedTokenRef = builder.objectRef<{ token: string; row: IApiToken }>('IssuedToken').implement({
  fields: (t) => ({
    token: t.exposeString('token', { description: 'Shown this once: store it now.' }),
    apiToken: t.field({ type: ApiTokenRef, resolve: (issued) => issued.row }),
  }),
});

builder.queryField('apiTokens', (t) =>
  t.field({
    type: [ApiTokenRef],
    authScopes: { admin: true },
    resolve: (_root, _args, ctx) => ctx.domain.tokens.list(),
  }),
);

builder.mutationField('issueApiToken', (t) =>
  t.field({
    type: IssuedTokenRef,
    authScopes: { admin: true },
    errors: { types: [InvalidInputError] },
    args: {
      name: t.arg.string({ required: true }),
      scopes: t.arg({ type: [TokenScope], required: true }),
      expiresAt: t.arg({ type: 'DateTime' }),
    },
    resolve: async (_root, { name, scopes, expiresAt }, ctx) => {
      if (!/^[\w .:-]{1,64}$/.test(name)) throw new InvalidInputError('name', 'Use 1-64 letters, digits, spaces, dots, colons or dashes.');
      if (scopes.length === 0) throw new InvalidInputError('scopes', 'Give the token at least one scope.');
      if (expiresAt && expiresAt <= ctx.services.now()) throw new InvalidInputError('expiresAt', 'The expiry must be in the future.');
      return ctx.domain.tokens.issue(name, scopes, expiresAt ?? null, ctx.auth?.tokenId ?? 'unknown');
    },
  }),
);

builder.mutationField('revokeApiToken', (t) =>
  t.field({
    type: ApiTokenRef,
    authScopes: { admin: true },
    errors: { types: [NotFoundError] },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, ctx) => {
      const row = await ctx.domain.tokens.revoke(String(id), ctx.auth?.tokenId ?? 'unknown');
      if (!row) throw new NotFoundError('ApiToken');
      return row;
    },
  }),
);

const RevokedJwtRef = builder.objectRef<{ jti: string; revokedAt: Date; expiresAt: Date }>('RevokedJwt').implement({
  description: 'A JWT refused by its jti from now on. The record is kept until any token with that jti would have expired anyway.',
  fields: (t) => ({
    jti: t.exposeString('jti'),
    revokedAt: t.expose('revokedAt', { type: 'DateTime' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', description: 'When the record is pruned: revocation time + JWT_MAX_LIFETIME_SECONDS + 60 s of clock skew.' }),
  }),
});

builder.mutationField('revokeJwt', (t) =>
  t.field({
    type: RevokedJwtRef,
    authScopes: { admin: true },
    description: 'Revokes one JWT by its jti claim: it stops working at once, on /graphql and /export. Revoking twice is harmless.',
    errors: { types: [InvalidInputError] },
    args: { jti: t.arg.string({ required: true }) },
    resolve: async (_root, { jti }, ctx) => {
      const result = await ctx.domain.tokens.revokeJwt(jti, ctx.auth?.tokenId ?? 'unknown');
      if (!result) throw new InvalidInputError('jti', 'JWTs are not accepted here (JWT_SECRET is not set), so there is nothing to revoke.');
      if (!result.ok) throw new InvalidInputError('jti', result.message);
      return { jti, revokedAt: result.revokedAt, expiresAt: result.expiresAt };
    },
  }),
);
