import type { GroupDimension } from './source.ts';
import type { AnalyticsScope } from './scope.ts';
import { averageRating, byRequests, ratio, type Latency } from './totals.ts';

/** One value of a dimension (a theme, a style, a command, a kind) over the range. */
export interface Breakdown {
  value: string;
  requests: number;
  share: number;
  failures: number;
  successRatio: number;
  ratingCount: number;
  averageRating: number | null;
}

export async function breakdown(scope: AnalyticsScope, dimension: GroupDimension, limit?: number): Promise<Breakdown[]> {
  const total = await scope.requests();
  const groups = byRequests((await scope.groups(dimension)).values());
  return groups.slice(0, limit ?? groups.length).map((group) => ({
    value: group.value,
    requests: group.requests,
    share: group.requests / total,
    failures: group.failures,
    successRatio: (group.requests - group.failures) / group.requests,
    ratingCount: group.ratingCount,
    averageRating: averageRating(group),
  }));
}

export interface LatencyGroup extends Latency {
  value: string;
  requests: number;
}

export async function latencyBy(scope: AnalyticsScope, dimension: 'kind' | 'provider'): Promise<LatencyGroup[]> {
  return byRequests((await scope.groups(dimension)).values()).map((group) => ({ value: group.value, requests: group.requests, ...group.latency }));
}

export interface ValueCount {
  value: string;
  count: number;
  /** Of all requests in the range. */
  share: number;
}

export interface FailureGroup {
  value: string;
  requests: number;
  failures: number;
  failureRatio: number;
}

export interface ErrorsReport {
  requests: number;
  failures: number;
  failureRatio: number | null;
  byStatus: ValueCount[];
  byClass: ValueCount[];
  byProvider: FailureGroup[];
  byTheme: FailureGroup[];
}

export async function errors(scope: AnalyticsScope): Promise<ErrorsReport> {
  const requests = await scope.requests();
  const failures = (await scope.groups('all')).get('all')?.failures ?? 0;
  const counts = async (dimension: GroupDimension, keep: (value: string) => boolean) =>
    byRequests((await scope.groups(dimension)).values())
      .filter((group) => keep(group.value))
      .map((group) => ({ value: group.value, count: group.requests, share: group.requests / requests }));
  const failing = async (dimension: GroupDimension) =>
    [...(await scope.groups(dimension)).values()]
      .filter((group) => group.failures > 0)
      .sort((a, b) => b.failures - a.failures || (a.value < b.value ? -1 : 1))
      .map((group) => ({ value: group.value, requests: group.requests, failures: group.failures, failureRatio: group.failures / group.requests }));
  return {
    requests,
    failures,
    failureRatio: ratio(failures, requests),
    byStatus: await counts('status', (status) => status !== 'succeeded'),
    byClass: await counts('error_class', () => true),
    byProvider: await failing('provider'),
    byTheme: await failing('theme'),
  };
}
