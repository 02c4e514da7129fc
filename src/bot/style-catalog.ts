import type { GraphqlClient } from './graphql-client.ts';
import { STYLES } from './operations.ts';

export interface CatalogStyle {
  id: string;
  label: string;
}

export interface StyleCatalog {
  list(telegramUserId: number): Promise<CatalogStyle[]>;
}

/** The style catalog changes only with a deploy of the API, so one answer serves everyone for a while. */
export function createStyleCatalog(client: GraphqlClient, options: { ttlMs?: number; now?: () => number } = {}): StyleCatalog {
  const ttlMs = options.ttlMs ?? 10 * 60_000;
  const now = options.now ?? Date.now;
  let cached: { styles: CatalogStyle[]; expiresAt: number } | undefined;
  return {
    async list(telegramUserId) {
      if (cached && cached.expiresAt > now()) return cached.styles;
      const data = await client.request(STYLES, {}, { telegramUserId });
      cached = { styles: data.styles, expiresAt: now() + ttlMs };
      return data.styles;
    },
  };
}
