import { Composer, InputFile } from 'grammy';
import type { BotContext } from '../context.ts';
import { kindName, styleName, themeName, usd } from '../labels.ts';
import { VIEWER_STATS, VIEWER_USAGE, type Limits, type NamedCount, type Usage, type ViewerStats } from '../operations.ts';
import { BAR_COLORS, renderBarChart } from '../stats-chart.ts';

/** /stats (the user's own numbers, with a chart) and /usage (today, and when the counters reset). */
export const statsFeature = new Composer<BotContext>();

const KINDS = ['image', 'video', 'text'] as const;

statsFeature.command('stats', async (ctx) => {
  const { viewer } = await ctx.gql<{ viewer: ViewerStats }>(VIEWER_STATS);
  const { stats, usageToday } = viewer;
  if (stats.total.requests === 0 && stats.byKind.length === 0) {
    await ctx.reply(ctx.t('stats-empty'));
    return;
  }
  const byKind = KINDS.map((kind) => ({ name: kind, count: stats.byKind.find((entry) => entry.name === kind)?.count ?? 0 }));
  const styles = stats.topStyles;
  const line = (entry: NamedCount, index: number, name: string) => ctx.t('stats-line', { square: BAR_COLORS[index % BAR_COLORS.length]!.square, name, count: entry.count });
  const none = ctx.t('stats-none');
  const caption = ctx.t('stats-caption', {
    kinds: byKind.map((entry, index) => line(entry, index, kindName(ctx, entry.name))).join('\n'),
    styles: styles.map((entry, index) => line(entry, byKind.length + index, styleName(ctx, entry.name))).join('\n') || none,
    themes: stats.topThemes.map((entry) => themeName(ctx, entry.name)).join(ctx.t('list-separator')) || none,
    todayRequests: usageToday.requests,
    todayTokens: usageToday.inputTokens + usageToday.outputTokens,
    todayCost: await usd(ctx, usageToday.costUsd),
    totalRequests: stats.total.requests,
    totalTokens: stats.total.inputTokens + stats.total.outputTokens,
    totalCost: await usd(ctx, stats.total.costUsd),
  });
  const chart = renderBarChart([byKind.map((entry) => entry.count), styles.map((entry) => entry.count)]);
  await ctx.replyWithPhoto(new InputFile(chart, 'stats.png'), { caption });
});

/** Time left until the next 00:00 UTC, when the daily counters (and later the quotas) start again. */
export function untilUtcMidnight(now: Date): { hours: number; minutes: number } {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  const minutes = Math.max(1, Math.ceil((midnight - now.getTime()) / 60_000));
  return { hours: Math.floor(minutes / 60), minutes: minutes % 60 };
}

statsFeature.command('usage', async (ctx) => {
  const { viewer } = await ctx.gql<{ viewer: { tier: string; usageToday: Usage; limits: Limits } }>(VIEWER_USAGE);
  const usage = viewer.usageToday;
  const limit = (quota: string) => viewer.limits.quotas.find((entry) => entry.quota === quota)?.limit ?? 0;
  await ctx.reply(ctx.t('usage-text', {
    tier: viewer.tier,
    perMinute: viewer.limits.requestsPerMinute,
    imagesLimit: limit('images'),
    videosLimit: limit('videos'),
    tokensLimit: limit('text_tokens'),
    day: usage.day,
    requests: usage.requests,
    images: usage.images,
    videos: usage.videos,
    texts: usage.texts,
    tokens: usage.inputTokens + usage.outputTokens,
    cost: await usd(ctx, usage.costUsd),
    ...untilUtcMidnight(ctx.services.now()),
  }));
});
