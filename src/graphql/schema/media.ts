import type { IMediaAsset } from '../../db/entities/media-asset.ts';
import { isMediaExpired } from '../../retention/policy.ts';
import { builder } from '../builder.ts';
import type { Context } from '../context.ts';

/** When a freshly signed URL for this asset stops working (unix seconds). */
function urlExpiry(asset: IMediaAsset, ctx: Context): number {
  const now = ctx.services.now().getTime();
  let until = now + ctx.services.mediaUrlTtlSeconds * 1000;
  // A URL never outlives the bytes, except when retention is "right after delivery" and delivery is now.
  if (asset.expiresAt && asset.expiresAt.getTime() > now) until = Math.min(until, asset.expiresAt.getTime());
  return Math.floor(until / 1000);
}

function gone(asset: IMediaAsset, ctx: Context): boolean {
  return asset.deletedAt != null || isMediaExpired(asset, ctx.services.mediaRetentionHours, ctx.services.now());
}

export const MediaRef = builder.objectRef<IMediaAsset>('Media').implement({
  description: 'A generated file. Unless kept, it is deleted after the retention window.',
  fields: (t) => ({
    id: t.exposeID('id'),
    mimeType: t.exposeString('mimeType'),
    sizeBytes: t.exposeInt('sizeBytes'),
    width: t.exposeInt('width', { nullable: true }),
    height: t.exposeInt('height', { nullable: true }),
    sha256: t.exposeString('sha256'),
    keep: t.exposeBoolean('keep', { description: 'Kept media is exempt from the retention window.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true, description: 'When the file will be deleted; null when kept.' }),
    deleted: t.boolean({ description: 'True once the file is deleted or past its retention window.', resolve: (asset, _args, ctx) => gone(asset, ctx) }),
    url: t.string({
      nullable: true,
      description: 'A signed download URL that expires (see urlExpiresAt); null once the file is gone.',
      resolve: async (asset, _args, ctx) => {
        if (gone(asset, ctx)) return null;
        const store = ctx.services.mediaStore;
        const expiresAt = urlExpiry(asset, ctx);
        if (store.presignedUrl) {
          const seconds = Math.max(1, expiresAt - Math.floor(ctx.services.now().getTime() / 1000));
          return store.presignedUrl(asset.storageKey, seconds, asset.mimeType);
        }
        return ctx.services.signer.url(asset.id, expiresAt);
      },
    }),
    urlExpiresAt: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: (asset, _args, ctx) => (gone(asset, ctx) ? null : new Date(urlExpiry(asset, ctx) * 1000)),
    }),
  }),
});
