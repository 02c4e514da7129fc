/** Expected refusals of `generate` before any provider is called; union members in the schema. */

export class RateLimitedError extends Error {
  readonly tier: string;
  readonly retryAfterSeconds: number;

  constructor(tier: string, retryAfterSeconds: number, limit: number, message?: string) {
    super(message ?? `Too many requests: the ${tier} tier allows ${limit} per minute. Try again in ${retryAfterSeconds} s.`);
    this.name = 'RateLimitedError';
    this.tier = tier;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** `token_cost`: the credential's daily spend cap (TOKEN_DAILY_COST_USD), not the user's tier. */
export type QuotaName = 'images' | 'videos' | 'text_tokens' | 'cost' | 'token_cost';

export class QuotaExceededError extends Error {
  readonly tier: string;
  readonly quota: QuotaName;
  readonly limit: number;
  readonly resetsAt: Date;

  constructor(tier: string, quota: QuotaName, limit: number, resetsAt: Date, message?: string) {
    super(message ?? `Daily ${quota.replace('_', ' ')} quota of the ${tier} tier reached (${limit}); it resets at ${resetsAt.toISOString()}.`);
    this.name = 'QuotaExceededError';
    this.tier = tier;
    this.quota = quota;
    this.limit = limit;
    this.resetsAt = resetsAt;
  }
}
