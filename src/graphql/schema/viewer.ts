import type { IUser } from '../../db/entities/user.ts';
import { isLocale, LOCALES } from '../../locales.ts';
import { isImageModelChoice } from '../../generation/model-choices.ts';
import { findStyle } from '../../generation/styles.ts';
import { effectiveTierId } from '../../limits/tiers.ts';
import type { LimitsView, UsageToday } from '../../limits/usage-view.ts';
import { STATS_DAYS, type NamedCount, type UserDay, type UserStats } from '../../users/user-stats.ts';
import { defaultUser } from '../../users/users.ts';
import { builder } from '../builder.ts';
import { InvalidInputError } from './errors.ts';


const UsageRef = builder.objectRef<UsageToday>('Usage').implement({
  description: 'Counters for one UTC day.',
  fields: (t) => ({
    day: t.exposeString('day'),
    requests: t.exposeInt('requests'),
    images: t.exposeInt('images'),
    videos: t.exposeInt('videos'),
    texts: t.exposeInt('texts'),
    inputTokens: t.exposeInt('inputTokens'),
    outputTokens: t.exposeInt('outputTokens'),
    costUsd: t.exposeFloat('costUsd'),
  }),
});

const NamedCountRef = builder.objectRef<NamedCount>('NamedCount').implement({
  fields: (t) => ({ name: t.exposeString('name'), count: t.exposeInt('count') }),
});

const UsageTotalRef = builder.objectRef<UserStats['total']>('UsageTotal').implement({
  fields: (t) => ({
    requests: t.exposeInt('requests'),
    inputTokens: t.exposeInt('inputTokens'),
    outputTokens: t.exposeInt('outputTokens'),
    costUsd: t.exposeFloat('costUsd'),
  }),
});

const UserDayRef = builder.objectRef<UserDay>('UserDay').implement({
  description: 'One UTC day of the acting user\'s requests, by kind.',
  fields: (t) => ({
    day: t.exposeString('day', { description: 'YYYY-MM-DD (UTC).' }),
    images: t.exposeInt('images'),
    videos: t.exposeInt('videos'),
    texts: t.exposeInt('texts'),
  }),
});

const UserStatsRef = builder.objectRef<UserStats>('UserStats').implement({
  description: 'The acting user\'s own numbers, from their own rows only.',
  fields: (t) => ({
    byKind: t.field({ type: [NamedCountRef], description: 'Successful generations by kind (image, video, text).', resolve: (stats) => stats.byKind }),
    topStyles: t.field({ type: [NamedCountRef], description: 'Up to three most used styles.', resolve: (stats) => stats.topStyles }),
    topThemes: t.field({ type: [NamedCountRef], description: 'Up to three most frequent themes.', resolve: (stats) => stats.topThemes }),
    total: t.field({ type: UsageTotalRef, description: 'All-time requests, tokens and cost.', resolve: (stats) => stats.total }),
    daily: t.field({ type: [UserDayRef], description: `Requests per UTC day by kind over the last ${STATS_DAYS} days, oldest first, today last.`, resolve: (stats) => stats.daily }),
  }),
});

const QuotaUsageRef = builder.objectRef<{ quota: string; limit: number | null; used: number }>('QuotaUsage').implement({
  fields: (t) => ({
    quota: t.exposeString('quota', { description: 'images, videos, text_tokens or cost_usd.' }),
    limit: t.float({ nullable: true, description: 'Null when the tier has no such cap.', resolve: (quota) => quota.limit }),
    used: t.exposeFloat('used'),
  }),
});

const LimitsRef = builder.objectRef<LimitsView>('Limits').implement({
  description: 'The acting user\'s tier, its limits, today\'s use of them and when they reset.',
  fields: (t) => ({
    tier: t.string({ resolve: (limits) => limits.tier.id }),
    requestsPerMinute: t.int({ resolve: (limits) => limits.tier.requestsPerMinute }),
    quotas: t.field({
      type: [QuotaUsageRef],
      resolve: ({ tier, usage }) => [
        { quota: 'images', limit: tier.daily.images, used: usage.images },
        { quota: 'videos', limit: tier.daily.videos, used: usage.videos },
        { quota: 'text_tokens', limit: tier.daily.textTokens, used: usage.textTokens },
        { quota: 'cost_usd', limit: tier.dailyCostUsd, used: usage.costUsd },
      ],
    }),
    resetsAt: t.expose('resetsAt', { type: 'DateTime', description: 'Daily quotas reset at midnight UTC.' }),
  }),
});

const ViewerRef = builder.objectRef<IUser>('Viewer').implement({
  description: 'The acting user, known only by a pseudonymous id.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'HMAC-SHA256 of the Telegram id; the raw id is never stored.' }),
    tier: t.string({ description: 'The tier in force now (a paid period that ended falls back to the default tier).', resolve: (user, _args, ctx) => effectiveTierId(user, ctx.services.limiter.tiers, ctx.services.now()) }),
    tierExpiresAt: t.expose('tierExpiresAt', { type: 'DateTime', nullable: true, description: 'When the paid period ends.' }),
    locale: t.exposeString('locale', { nullable: true }),
    defaultStyle: t.exposeString('defaultStyle', { nullable: true }),
    imageProvider: t.exposeString('imageProvider', { nullable: true, description: 'The image provider tried first for this user (see imageModels); null: the configured order.' }),
    firstSeenAt: t.expose('firstSeenAt', { type: 'DateTime' }),
    generationsToday: t.int({
      description: 'Requests admitted today (UTC), failures included; rejected input and rate-limited requests are not counted.',
      resolve: (user, _args, ctx) => ctx.domain.usage.requestsToday(user.id),
    }),
    limits: t.field({ type: LimitsRef, resolve: (user, _args, ctx) => ctx.domain.usage.limits(user) }),
    stats: t.field({ type: UserStatsRef, resolve: (user, _args, ctx) => ctx.domain.users.stats(user.id) }),
    usageToday: t.field({ type: UsageRef, resolve: (user, _args, ctx) => ctx.domain.usage.today(user.id) }),
  }),
});

builder.queryField('viewer', (t) =>
  t.field({
    authScopes: { bot: true },
    type: ViewerRef,
    description: 'The acting user. Someone who has not written anything yet gets the defaults: reading never creates a user.',
    resolve: async (_root, _args, ctx) => {
      return (await ctx.knownUser()) ?? defaultUser(ctx.actingUserId!, ctx.services.limiter.tiers[0]!.id, ctx.services.now());
    },
  }),
);

const PreferencesInput = builder.inputType('PreferencesInput', {
  fields: (t) => ({
    locale: t.string({ description: 'One of en, ru, fa.' }),
    defaultStyle: t.string({ description: 'A catalog style id.' }),
    imageProvider: t.string({ description: 'A provider of imageModels to try first for images; null goes back to the configured order.' }),
  }),
});

builder.mutationField('setPreferences', (t) =>
  t.field({
    authScopes: { bot: true },
    type: ViewerRef,
    errors: { types: [InvalidInputError] },
    args: { input: t.arg({ type: PreferencesInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      if (input.locale != null && !isLocale(input.locale)) {
        throw new InvalidInputError('locale', `Unsupported locale; use one of ${LOCALES.join(', ')}.`);
      }
      if (input.defaultStyle != null && !findStyle(input.defaultStyle)) {
        throw new InvalidInputError('defaultStyle', 'Unknown style; query `styles` for the catalog.');
      }
      if (input.imageProvider != null && !isImageModelChoice(ctx.services.providers.image, input.imageProvider)) {
        throw new InvalidInputError('imageProvider', 'Not a configured image provider; query `imageModels` for the choices.');
      }
      return ctx.domain.users.setPreferences(await ctx.user(), input);
    },
  }),
);
