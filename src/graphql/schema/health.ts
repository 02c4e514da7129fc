import { membersOf } from '../../generation/fallback.ts';
import type { Provider } from '../../generation/provider.ts';
import { builder } from '../builder.ts';

interface Health {
  ok: boolean;
  database: boolean;
  version: string;
  providers: { image: string; video: string; text: string | null };
}

const ProvidersRef = builder.objectRef<Health['providers']>('ConfiguredProviders').implement({
  fields: (t) => ({
    image: t.exposeString('image', { description: 'The image provider, or its fallback chain in the order tried (comma-separated).' }),
    video: t.exposeString('video'),
    text: t.exposeString('text', { nullable: true, description: 'Null when no text provider is configured.' }),
  }),
});

const HealthRef = builder.objectRef<Health>('Health').implement({
  fields: (t) => ({
    ok: t.exposeBoolean('ok'),
    database: t.exposeBoolean('database', { description: 'Whether the database answered a query within the last second (one query a second answers every caller).' }),
    version: t.exposeString('version'),
    providers: t.field({ type: ProvidersRef, resolve: (health) => health.providers }),
  }),
});

builder.queryField('health', (t) =>
  t.field({
    type: HealthRef,
    // Probed every few seconds by load balancers: no span (an operation of health alone has none either, see yoga.ts).
    tracing: false,
    resolve: async (_root, _args, ctx) => {
      const database = await ctx.services.databaseUp();
      const { image, video, text } = ctx.services.providers;
      return {
        ok: database,
        database,
        version: ctx.services.version,
        providers: { image: chainName(image), video: chainName(video), text: text ? chainName(text) : null },
      };
    },
  }),
);

/** A fallback chain reads as it is configured: `replicate,pollinations,procedural`. */
function chainName(provider: Provider): string {
  return membersOf(provider).map((member) => member.name).join(',');
}
