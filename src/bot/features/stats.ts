import { Composer, InputFile } from 'grammy';
import type { BotContext } from '../context.ts';
import { kindName, styleName, themeName, usd } from '../labels.ts';
import { VIEWER_STATS, VIEWER_USAGE, type Limits, type NamedCount, type Usage, type ViewerStats } from '../operations.ts';
import { RIGHT_TO_LEFT } from '../i18n.ts';
import { KIND_COLOURS } from '../stats-chart.ts';

/** /stats (the user's own numbers, with a chart) and /usage (today, and when the counters reset). */
export const statsFeature = new Composer<BotContext>();

const KINDS = ['image', 'video', 'text'] as const;
/** Which chart series shows each kind, so the caption's squares match the chart's colours. */
const SERIES = { image: 'images', video: 'videos', text: 'texts' } as const;

statsFeature.command('stats', async (ctx) => {
  const { viewer } = await ctx.gql(VIEWER_STATS);
  const { stats, usageToday } = viewer;
  if (stats.total.requests === 0 && stats.byKind.length === 0) {
    await ctx.reply(ctx.t('stats-empty'));
    return;
  }
  const byKind = KINDS.map((kind) => ({ name: kind, count: stats.byKind.find((entry) => entry.name === kind)?.count ?? 0 }));
  const line = (square: string, entry: Pick<NamedCount, 'count'>, name: string) => ctx.t('stats-line', { square, name, count: entry.count });
  const none = ctx.t('stats-none');
  const caption = ctx.t('stats-caption', {
    kinds: byKind.map((entry) => line(KIND_COLOURS[SERIES[entry.name]].square, entry, kindName(ctx, entry.name))).join('\n'),
    styles: stats.topStyles.map((entry) => line('•', entry, styleName(ctx, entry.name))).join('\n') || none,
    themes: stats.topThemes.map((entry) => themeName(ctx, entry.name)).join(ctx.t('list-separator')) || none,
    todayRequests: usageToday.requests,
    todayTokens: usageToday.inputTokens + usageToday.outputTokens,
    todayCost: await usd(ctx, usageToday.costUsd),
    totalRequests: stats.total.requests,
    totalTokens: stats.total.inputTokens + stats.total.outputTokens,
    totalCost: await usd(ctx, stats.total.costUsd),
  });
  const locale = (await ctx.i18n.getLocale()) ?? 'en';
  const chart = await ctx.services.charts.render({
    days: stats.daily,
    locale,
    rtl: RIGHT_TO_LEFT.has(locale),
    text: {
      title: ctx.t('stats-chart-title', { days: stats.daily.length }),
      images: kindName(ctx, 'image'),
      videos: kindName(ctx, 'video'),
      texts: kindName(ctx, 'text'),
      xAxis: ctx.t('stats-chart-x'),
      yAxis: ctx.t('stats-chart-y'),
    },
  });
  await ctx.replyWithPhoto(new InputFile(chart, 'stats.png'), { caption });
});

/** Time left until the next 00:00 UTC, when the daily counters (and later the quotas) start again. */
export function untilUtcMidnight(now: Date): { hours: number; minutes: number } {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  const minutes = Math.max(1, Math.ceil((midnight - now.getTime()) / 60_000));
  return { hours: Math.floor(minutes / 60), minutes: minutes % 60 };
}

statsFeature.command('usage', async (ctx) => {
  const { viewer } = await ctx.gql(VIEWER_USAGE);
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
