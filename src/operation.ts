/**
 * A GraphQL document string that knows its result and variables types (they exist only for the
 * type checker). The bot's and the admin CLI's documents are declared with it; their types are
 * generated from schema/schema.graphql (`npm run client-types`), never written by hand.
 */
export type Operation<Result, Variables> = string & { readonly __result?: Result; readonly __variables?: Variables };

export function operation<Result, Variables>(document: string): Operation<Result, Variables> {
  return document;
}
