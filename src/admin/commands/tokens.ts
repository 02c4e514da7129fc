import type { Command } from '../command.ts';
import { apiError, usageError } from '../errors.ts';
import { table, timestamp } from '../format.ts';
import type { AdminTokensQuery } from '../operation-types.ts';
import { API_TOKENS, ISSUE_TOKEN, REVOKE_JWT, REVOKE_TOKEN } from '../operations.ts';
import { choice, stringOption } from '../options.ts';

type ApiToken = AdminTokensQuery['apiTokens'][number];

/** The CLI speaks the scope names of the README; the schema's enum spells them in capitals. */
const SCOPES = { bot: 'BOT', 'analytics:read': 'ANALYTICS_READ', admin: 'ADMIN' } as const;
type CliScope = keyof typeof SCOPES;
const CLI_SCOPE = Object.fromEntries(Object.entries(SCOPES).map(([cli, api]) => [api, cli])) as Record<string, CliScope>;

function readable(token: ApiToken) {
  return { ...token, scopes: token.scopes.map((scope) => CLI_SCOPE[scope] ?? scope.toLowerCase()) };
}

function state(token: Pick<ApiToken, 'revokedAt' | 'expiresAt'>, now: Date): string {
  if (token.revokedAt) return 'revoked';
  if (token.expiresAt && Date.parse(token.expiresAt) <= now.getTime()) return 'expired';
  return 'active';
}

/** The expected member of a result union, or the typed error's message as an API error. */
function unwrap<T extends { __typename: string }, Name extends T['__typename']>(result: T, typename: Name): Extract<T, { __typename: Name }> {
  if (result.__typename !== typename) throw apiError('message' in result && typeof result.message === 'string' ? result.message : `Unexpected ${result.__typename}.`);
  return result as Extract<T, { __typename: Name }>;
}

export const tokensIssueCommand: Command = {
  name: 'tokens issue',
  summary: 'create an API token and print it once (admin)',
  usage: '<name> --scope SCOPE [--scope SCOPE] [--expires ISO-8601]',
  details: [`--scope     ${Object.keys(SCOPES).join(', ')} (repeat for several)`, '--expires   when it stops working, e.g. 2027-01-01T00:00:00Z (default: never)'],
  options: { scope: { type: 'string', multiple: true }, expires: { type: 'string' } },
  positionals: { min: 1, max: 1 },
  async run(ctx) {
    const name = ctx.positionals[0]!;
    const given = (ctx.values['scope'] as string[] | undefined) ?? [];
    if (given.length === 0) throw usageError('Give the token at least one --scope.');
    const scopes = [...new Set(given.map((scope) => SCOPES[choice(scope, '--scope', Object.keys(SCOPES) as CliScope[])]))];
    const expires = stringOption(ctx.values, 'expires');
    let expiresAt: string | null = null;
    if (expires !== undefined) {
      const at = Date.parse(expires);
      if (!/^\d{4}-\d{2}-\d{2}/.test(expires) || Number.isNaN(at)) throw usageError(`--expires must be an ISO-8601 date or timestamp (got "${expires}").`);
      expiresAt = new Date(at).toISOString();
    }
    const data = await ctx.api().graphql(ISSUE_TOKEN, { name, scopes, expiresAt });
    const issued = unwrap(data.issueApiToken, 'IssuedToken');
    const token = readable(issued.apiToken);
    const text = [
      issued.token,
      '',
      'Shown this once: store it now (only its hash is kept).',
      `id       ${token.id}`,
      `name     ${token.name}`,
      `scopes   ${token.scopes.join(', ')}`,
      `expires  ${token.expiresAt ? timestamp(token.expiresAt) : 'never'}`,
      '',
    ].join('\n');
    return { json: { token: issued.token, apiToken: token }, text };
  },
};

export const tokensListCommand: Command = {
  name: 'tokens list',
  summary: 'every API token, newest first: never the token itself (admin)',
  usage: '',
  options: {},
  positionals: { min: 0, max: 0 },
  async run(ctx) {
    const data = await ctx.api().graphql(API_TOKENS, {});
    const tokens = data.apiTokens.map(readable);
    const text = table(tokens, [
      { header: 'id', value: (token) => token.id },
      { header: 'name', value: (token) => token.name },
      { header: 'scopes', value: (token) => token.scopes.join(',') },
      { header: 'state', value: (token) => state(token, ctx.now) },
      { header: 'created', value: (token) => timestamp(token.createdAt) },
      { header: 'last used', value: (token) => timestamp(token.lastUsedAt) },
      { header: 'expires', value: (token) => (token.expiresAt ? timestamp(token.expiresAt) : 'never') },
    ], '(no tokens)');
    return { json: tokens.map((token) => ({ ...token, state: state(token, ctx.now) })), text };
  },
};

export const tokensRevokeCommand: Command = {
  name: 'tokens revoke',
  summary: 'revoke an API token by id; it stops working at once (admin)',
  usage: '<id>',
  details: ['exits 4 when no token has that id'],
  options: {},
  positionals: { min: 1, max: 1 },
  async run(ctx) {
    const data = await ctx.api().graphql(REVOKE_TOKEN, { id: ctx.positionals[0]! });
    const token = readable(unwrap(data.revokeApiToken, 'ApiToken'));
    return { json: token, text: `Revoked ${token.id} (${token.name}) at ${timestamp(token.revokedAt)}.\n` };
  },
};

export const tokensRevokeJwtCommand: Command = {
  name: 'tokens revoke-jwt',
  summary: 'revoke one JWT by its jti claim; it stops working at once (admin)',
  usage: '<jti>',
  details: ['the revocation is kept until a token with that jti would have expired anyway (JWT_MAX_LIFETIME_SECONDS)'],
  options: {},
  positionals: { min: 1, max: 1 },
  async run(ctx) {
    const data = await ctx.api().graphql(REVOKE_JWT, { jti: ctx.positionals[0]! });
    const revoked = unwrap(data.revokeJwt, 'RevokedJwt');
    return { json: revoked, text: `Revoked JWT ${revoked.jti} at ${timestamp(revoked.revokedAt)} (record kept until ${timestamp(revoked.expiresAt)}).\n` };
  },
};
