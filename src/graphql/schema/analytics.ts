import type { Analytics } from '../../analytics/analytics.ts';
import type { Breakdown, ErrorsReport, FailureGroup, LatencyGroup, ValueCount } from '../../analytics/breakdowns.ts';
import { toDayRange } from '../../analytics/days.ts';
import type { FeedbackText, SatisfactionGroup } from '../../analytics/feedback.ts';
import type { DemandSuggestion, RatingSuggestion, Suggestions } from '../../analytics/suggestions.ts';
import type { StatusCount, Summary } from '../../analytics/summary.ts';
import type { TopPrompt } from '../../analytics/top-prompts.ts';
import type { Latency } from '../../analytics/totals.ts';
import type { Trend, TrendsReport, Week } from '../../analytics/trends.ts';
import type { DayUsage, UserDayUsage } from '../../analytics/usage.ts';
import { builder } from '../builder.ts';
import { InvalidInputError } from './errors.ts';

function limitOf(value: number | null | undefined, fallback: number, max: number): number {
  return Math.min(Math.max(value ?? fallback, 0), max);
}

const AnalyticsRange = builder.inputType('AnalyticsRange', {
  description: 'Whole UTC days, both inclusive; the time of day is ignored (e.g. from "2026-02-01" to "2026-02-07" is seven days). At most 366 days.',
  fields: (t) => ({
    from: t.field({ type: 'DateTime', required: true }),
    to: t.field({ type: 'DateTime', required: true }),
  }),
});

const LatencyRef = builder.objectRef<Latency>('LatencyPercentiles').implement({
  description:
    'Nearest-rank percentiles in milliseconds, null without requests. Exact for a one-day range; over several days, the request-weighted mean of each day\'s exact percentiles (daily percentiles cannot be merged exactly).',
  fields: (t) => ({
    p50Ms: t.int({ nullable: true, resolve: (latency) => latency.p50 }),
    p95Ms: t.int({ nullable: true, resolve: (latency) => latency.p95 }),
    p99Ms: t.int({ nullable: true, resolve: (latency) => latency.p99 }),
  }),
});

const StatusCountRef = builder.objectRef<StatusCount>('StatusCount').implement({
  fields: (t) => ({
    status: t.exposeString('status', { description: 'succeeded, failed, rejected or rate_limited.' }),
    count: t.exposeInt('count'),
    share: t.exposeFloat('share', { description: 'Of all requests in the range.' }),
  }),
});

const SUCCESS_RATIO = '(requests − failed) / requests. Failed means the service or a provider failed; rejected prompts and rate-limited requests are the rules working, not failures (see `errors.byStatus`).';

const SummaryRef = builder.objectRef<Summary>('AnalyticsSummary').implement({
  fields: (t) => ({
    requests: t.exposeInt('requests'),
    failures: t.exposeInt('failures', { description: 'Requests with status failed.' }),
    distinctUsers: t.exposeInt('distinctUsers', { description: 'Exact, not estimated: the union of each day\'s users across the range (per-day counts cannot be added up), as the raw rows have them now: a user who erased their data is no longer counted, while requests on rolled-up days still count theirs.' }),
    successRatio: t.exposeFloat('successRatio', { nullable: true, description: `${SUCCESS_RATIO} Null without requests.` }),
    latency: t.field({ type: LatencyRef, resolve: (summary) => summary.latency }),
    inputTokens: t.exposeFloat('inputTokens', { description: 'Float: sums outgrow 32-bit Int.' }),
    outputTokens: t.exposeFloat('outputTokens'),
    costUsd: t.exposeFloat('costUsd', { description: 'Known costs only; see costUnknown.' }),
    costUnknown: t.exposeInt('costUnknown', { description: 'Requests whose price is unknown and not in costUsd.' }),
    byStatus: t.field({ type: [StatusCountRef], resolve: (summary) => summary.byStatus }),
  }),
});

const TopPromptRef = builder.objectRef<TopPrompt>('TopPrompt').implement({
  description: 'Requests with the same normalized prompt (fingerprint). Only groups that at least k distinct users sent over the range are ever listed.',
  fields: (t) => ({
    example: t.exposeString('example', {
      nullable: true,
      description: 'One redacted prompt of the group; null once retention has cleared its texts and no rollup kept one (rollups keep one per day for groups k users sent that day).',
    }),
    requests: t.exposeInt('requests', {
      description: 'For admins, the requests of the group. For analysts, its user-days (each user counted at most once per day; the list is ranked by them), so no count reveals how often one member sent it.',
    }),
    distinctUsers: t.exposeInt('distinctUsers', { description: 'Exact across the range, as the raw rows have it (read once per range and kept until a day is rolled up again or a user erases their data); at least k.' }),
    share: t.exposeFloat('share', { description: 'Admins: of all requests in the range. Analysts: of all active user-days in the range.' }),
  }),
});

const BreakdownRef = builder.objectRef<Breakdown>('UsageBreakdown').implement({
  description: 'One value of a dimension (theme, style, command or media kind) over the range.',
  fields: (t) => ({
    value: t.exposeString('value'),
    requests: t.exposeInt('requests'),
    share: t.exposeFloat('share', { description: 'Of all requests in the range.' }),
    failures: t.exposeInt('failures'),
    successRatio: t.exposeFloat('successRatio', { description: SUCCESS_RATIO }),
    ratingCount: t.exposeInt('ratingCount'),
    averageRating: t.exposeFloat('averageRating', { nullable: true, description: 'Mean of thumbs up (+1) and down (−1), in [−1, 1]; null without ratings.' }),
  }),
});

const AnalyticsFeaturesRef = builder.objectRef<Analytics>('AnalyticsFeatures').implement({
  fields: (t) => ({
    byCommand: t.field({ type: [BreakdownRef], description: 'imagine, video, ask, variant, api.', resolve: (analytics) => analytics.byCommand() }),
    byKind: t.field({ type: [BreakdownRef], description: 'image, video, text.', resolve: (analytics) => analytics.byKind() }),
  }),
});

const ValueCountRef = builder.objectRef<ValueCount>('ErrorCount').implement({
  fields: (t) => ({
    value: t.exposeString('value'),
    count: t.exposeInt('count'),
    share: t.exposeFloat('share', { description: 'Of all requests in the range.' }),
  }),
});

const FailureGroupRef = builder.objectRef<FailureGroup>('FailureGroup').implement({
  fields: (t) => ({
    value: t.exposeString('value'),
    requests: t.exposeInt('requests'),
    failures: t.exposeInt('failures'),
    failureRatio: t.exposeFloat('failureRatio'),
  }),
});

const ErrorsRef = builder.objectRef<ErrorsReport>('ErrorBreakdown').implement({
  fields: (t) => ({
    requests: t.exposeInt('requests'),
    failures: t.exposeInt('failures'),
    failureRatio: t.exposeFloat('failureRatio', { nullable: true }),
    byStatus: t.field({ type: [ValueCountRef], description: 'Every status but succeeded: failed, rejected (invalid input, content refused), rate_limited (rate limit or quota).', resolve: (report) => report.byStatus }),
    byClass: t.field({ type: [ValueCountRef], description: 'Error classes of failed and rejected requests (the rollup\'s error_class dimension).', resolve: (report) => report.byClass }),
    byProvider: t.field({ type: [FailureGroupRef], description: 'Providers with failed requests, most failures first.', resolve: (report) => report.byProvider }),
    byTheme: t.field({ type: [FailureGroupRef], description: 'Themes with failed requests, most failures first.', resolve: (report) => report.byTheme }),
  }),
});

const LatencyGroupRef = builder.objectRef<LatencyGroup>('LatencyGroup').implement({
  fields: (t) => ({
    value: t.exposeString('value'),
    requests: t.exposeInt('requests'),
    latency: t.field({ type: LatencyRef, resolve: (group) => group }),
  }),
});

const AnalyticsLatencyRef = builder.objectRef<Analytics>('AnalyticsLatency').implement({
  fields: (t) => ({
    byKind: t.field({ type: [LatencyGroupRef], resolve: (analytics) => analytics.latencyByKind() }),
    byProvider: t.field({ type: [LatencyGroupRef], resolve: (analytics) => analytics.latencyByProvider() }),
  }),
});

const DayUsageRef = builder.objectRef<DayUsage>('DayUsage').implement({
  fields: (t) => ({
    day: t.exposeString('day', { description: 'YYYY-MM-DD (UTC).' }),
    requests: t.exposeInt('requests'),
    failures: t.exposeInt('failures'),
    distinctUsers: t.exposeInt('distinctUsers', { description: 'Exact for the day.' }),
    inputTokens: t.exposeFloat('inputTokens'),
    outputTokens: t.exposeFloat('outputTokens'),
    tokens: t.float({ resolve: (usage) => usage.inputTokens + usage.outputTokens }),
    costUsd: t.exposeFloat('costUsd'),
    costUnknown: t.exposeInt('costUnknown'),
  }),
});

const UserUsageOrder = builder.enumType('UserUsageOrder', {
  values: { REQUESTS: { value: 'requests' }, TOKENS: { value: 'tokens' }, COST: { value: 'cost' } } as const,
});

const UserDayUsageRef = builder.objectRef<UserDayUsage>('UserDayUsage').implement({
  description: 'One pseudonymous user\'s quota counters for one UTC day (DailyUsage): requests admitted past the limits, their tokens and cost.',
  fields: (t) => ({
    userId: t.exposeString('userId', { description: 'The pseudonymous id (an HMAC); never a Telegram id.' }),
    day: t.exposeString('day'),
    requests: t.exposeInt('requests'),
    images: t.exposeInt('images'),
    videos: t.exposeInt('videos'),
    texts: t.exposeInt('texts'),
    failures: t.exposeInt('failures'),
    inputTokens: t.exposeFloat('inputTokens'),
    outputTokens: t.exposeFloat('outputTokens'),
    tokens: t.float({ resolve: (usage) => usage.inputTokens + usage.outputTokens }),
    costUsd: t.exposeFloat('costUsd'),
    costUnknown: t.exposeInt('costUnknown'),
  }),
});

const PEAK_USERS = 'Distinct users on the busiest single day of the range: a lower bound of the users across the range (rollups count users per day only). The k cut applies to it, so it is conservative.';

const SUGGESTION_REQUESTS = 'Admins: requests. Analysts: user-days (each user counted at most once per day), so no count reveals how often one member asked.';

const DemandSuggestionRef = builder.objectRef<DemandSuggestion>('DemandSuggestion').implement({
  fields: (t) => ({
    value: t.exposeString('value'),
    requests: t.exposeInt('requests', { description: SUGGESTION_REQUESTS }),
    distinctUsers: t.exposeInt('distinctUsers', { description: PEAK_USERS }),
  }),
});

const RatingSuggestionRef = builder.objectRef<RatingSuggestion>('RatingSuggestion').implement({
  fields: (t) => ({
    style: t.exposeString('style'),
    requests: t.exposeInt('requests', { description: SUGGESTION_REQUESTS }),
    ratingCount: t.exposeInt('ratingCount'),
    averageRating: t.exposeFloat('averageRating'),
    satisfaction: t.exposeFloat('satisfaction', { description: 'Share of ratings that are thumbs up.' }),
    distinctUsers: t.exposeInt('distinctUsers', { description: PEAK_USERS }),
  }),
});

const SuggestionsRef = builder.objectRef<Suggestions>('Suggestions').implement({
  description: 'What to add or fix next. Every entry has at least k distinct users on one day.',
  fields: (t) => ({
    missingStyles: t.field({ type: [DemandSuggestionRef], description: 'Known style names users wrote in prompts that the catalog lacks, most requested first.', resolve: (s) => s.missingStyles }),
    unavailableKinds: t.field({ type: [DemandSuggestionRef], description: 'Media kinds users asked for that have no configured provider now.', resolve: (s) => s.unavailableKinds }),
    poorlyRatedStyles: t.field({ type: [RatingSuggestionRef], description: 'Catalog styles with at least 10 ratings, fewer than half thumbs up; worst first.', resolve: (s) => s.poorlyRatedStyles }),
  }),
});

const TrendDirection = builder.enumType('TrendDirection', {
  values: { RISING: { value: 'rising' }, FALLING: { value: 'falling' }, STEADY: { value: 'steady' } } as const,
});

const TrendRef = builder.objectRef<Trend>('Trend').implement({
  fields: (t) => ({
    value: t.exposeString('value'),
    thisWeek: t.exposeInt('thisWeek'),
    previousWeek: t.exposeInt('previousWeek'),
    change: t.exposeInt('change'),
    thisWeekShare: t.exposeFloat('thisWeekShare', { nullable: true }),
    previousWeekShare: t.exposeFloat('previousWeekShare', { nullable: true }),
    z: t.exposeFloat('z', { nullable: true, description: 'Two-proportion z statistic of the shares (pooled standard error).' }),
    direction: t.field({
      type: TrendDirection,
      description: 'RISING or FALLING only when both weeks together have at least 20 requests of it and |z| ≥ 1.96; else STEADY.',
      resolve: (trend) => trend.direction,
    }),
  }),
});

const TrendWeekRef = builder.objectRef<Week>('TrendWeek').implement({
  fields: (t) => ({ from: t.exposeString('from'), to: t.exposeString('to') }),
});

const trendList = (pick: (report: TrendsReport) => Trend[]) => (report: TrendsReport, args: { includeSteady?: boolean | null }) =>
  pick(report).filter((trend) => args.includeSteady === true || trend.direction !== 'steady');

const TrendsRef = builder.objectRef<TrendsReport>('Trends').implement({
  description: 'The seven days ending with the range\'s last day against the seven days before them.',
  fields: (t) => ({
    thisWeek: t.field({ type: TrendWeekRef, resolve: (report) => report.thisWeek }),
    previousWeek: t.field({ type: TrendWeekRef, resolve: (report) => report.previousWeek }),
    thisWeekRequests: t.exposeInt('thisWeekRequests'),
    previousWeekRequests: t.exposeInt('previousWeekRequests'),
    themes: t.field({ type: [TrendRef], args: { includeSteady: t.arg.boolean({ defaultValue: false }) }, description: 'Significant movers first, strongest first.', resolve: trendList((report) => report.themes) }),
    styles: t.field({ type: [TrendRef], args: { includeSteady: t.arg.boolean({ defaultValue: false }) }, description: 'Significant movers first, strongest first.', resolve: trendList((report) => report.styles) }),
  }),
});

const SatisfactionRef = builder.objectRef<SatisfactionGroup>('Satisfaction').implement({
  fields: (t) => ({
    value: t.exposeString('value'),
    ratings: t.exposeInt('ratings'),
    positive: t.exposeInt('positive'),
    negative: t.exposeInt('negative'),
    averageRating: t.exposeFloat('averageRating', { description: 'In [−1, 1].' }),
    satisfaction: t.exposeFloat('satisfaction', { description: 'Share of ratings that are thumbs up.' }),
  }),
});

const FeedbackTextRef = builder.objectRef<FeedbackText>('FeedbackText').implement({
  fields: (t) => ({
    text: t.exposeString('text', { description: 'As stored: contact details and handles replaced.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const AnalyticsFeedbackRef = builder.objectRef<Analytics>('AnalyticsFeedback').implement({
  description: 'Satisfaction from ratings (counted on the day of the rated generation), most rated first, and free-text feedback.',
  fields: (t) => ({
    byStyle: t.field({ type: [SatisfactionRef], resolve: (analytics) => analytics.satisfactionBy('style') }),
    byTheme: t.field({ type: [SatisfactionRef], resolve: (analytics) => analytics.satisfactionBy('theme') }),
    byProvider: t.field({ type: [SatisfactionRef], resolve: (analytics) => analytics.satisfactionBy('provider') }),
    latest: t.field({
      type: [FeedbackTextRef],
      // One text is one person's words: not a k-anonymous aggregate, so analysts get none.
      authScopes: { admin: true },
      description: 'The newest feedback texts of the range (redacted), newest first, at most 100. Admins only: a text is one user\'s words, not an aggregate.',
      args: { limit: t.arg.int({ defaultValue: 20 }) },
      resolve: (analytics, { limit }) => analytics.latestFeedback(limitOf(limit, 20, 100)),
    }),
  }),
});

const CoverageRef = builder.objectRef<{ rolledUpDays: number; liveDays: number }>('AnalyticsCoverage').implement({
  description: 'Where the days of the range were read from.',
  fields: (t) => ({
    rolledUpDays: t.exposeInt('rolledUpDays', { description: 'Days served from complete daily rollups.' }),
    liveDays: t.exposeInt('liveDays', { description: 'Days computed from raw rows: today, and any day not (completely) rolled up yet.' }),
  }),
});

const AnalyticsRef = builder.objectRef<Analytics>('Analytics').implement({
  description: 'Aggregates over a range of UTC days, from the daily rollups plus the raw rows of days not rolled up yet.',
  fields: (t) => ({
    from: t.string({ description: 'First day, YYYY-MM-DD (UTC).', resolve: (analytics) => analytics.range.from }),
    to: t.string({ description: 'Last day, inclusive.', resolve: (analytics) => analytics.range.to }),
    days: t.int({ resolve: (analytics) => analytics.range.days.length }),
    k: t.int({ description: 'The k-anonymity threshold in force: groups of fewer distinct users are never shown.', resolve: (analytics) => analytics.k }),
    coverage: t.field({ type: CoverageRef, resolve: (analytics) => analytics.coverage() }),
    summary: t.field({ type: SummaryRef, resolve: (analytics) => analytics.summary() }),
    topPrompts: t.field({
      type: [TopPromptRef],
      description: 'Prompt groups with the most requests among those at least k distinct users sent; at most 100.',
      args: { limit: t.arg.int({ defaultValue: 10 }) },
      resolve: (analytics, { limit }) => analytics.topPrompts(limitOf(limit, 10, 100)),
    }),
    topThemes: t.field({ type: [BreakdownRef], args: { limit: t.arg.int({ defaultValue: 10 }) }, resolve: (analytics, { limit }) => analytics.topThemes(limitOf(limit, 10, 100)) }),
    topStyles: t.field({ type: [BreakdownRef], args: { limit: t.arg.int({ defaultValue: 10 }) }, resolve: (analytics, { limit }) => analytics.topStyles(limitOf(limit, 10, 100)) }),
    features: t.field({ type: AnalyticsFeaturesRef, resolve: (analytics) => analytics }),
    errors: t.field({ type: ErrorsRef, resolve: (analytics) => analytics.errors() }),
    latency: t.field({ type: AnalyticsLatencyRef, resolve: (analytics) => analytics }),
    usageByDay: t.field({ type: [DayUsageRef], description: 'Every day of the range, empty days included.', resolve: (analytics) => analytics.usageByDay() }),
    usageByUser: t.field({
      type: [UserDayUsageRef],
      // One user's rows: for admins' quota and abuse review, not for analysts' k-anonymous view.
      authScopes: { admin: true },
      description: 'Per pseudonymous user per day, heaviest first (at most 1000), for quota and abuse review; `userId` narrows to one user. Admins only.',
      args: {
        limit: t.arg.int({ defaultValue: 50 }),
        userId: t.arg.string(),
        orderBy: t.arg({ type: UserUsageOrder, defaultValue: 'requests' }),
      },
      resolve: (analytics, { limit, userId, orderBy }) => analytics.usageByUser({ limit: limitOf(limit, 50, 1000), userId, orderBy: orderBy ?? 'requests' }),
    }),
    suggestions: t.field({ type: SuggestionsRef, resolve: (analytics) => analytics.suggestions() }),
    trends: t.field({ type: TrendsRef, resolve: (analytics) => analytics.trends() }),
    feedback: t.field({ type: AnalyticsFeedbackRef, resolve: (analytics) => analytics }),
  }),
});

builder.queryField('analytics', (t) =>
  t.field({
    type: AnalyticsRef,
    authScopes: { analytics: true },
    description: 'Analytics (analytics or admin scope): what people ask for, what fails, what is slow, what it costs, what to add next. The analytics scope gets k-anonymous aggregates only (prompt groups counted in user-days, no feedback text, no per-user rows).',
    errors: { types: [InvalidInputError], union: { name: 'AnalyticsResult' } },
    args: { range: t.arg({ type: AnalyticsRange, required: true }) },
    resolve: (_root, { range }, ctx) => {
      const days = toDayRange(range.from, range.to);
      if ('message' in days) throw new InvalidInputError(`range.${days.field}`, days.message);
      // Analysts get k-anonymous aggregates only; admins (who can read single rows anyway) exact counts.
      return ctx.domain.analytics.open(days, ctx.auth?.scopes.has('admin') ? 'exact' : 'userDays');
    },
  }),
);
