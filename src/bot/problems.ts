import type { BotContext, Speaker } from './context.ts';
import type { EditImageResult, GenerateResult, TranscribeResult } from './operations.ts';

type Problem = Exclude<GenerateResult | EditImageResult | TranscribeResult, { __typename: 'Generation' | 'Transcript' }>;

const MEDIA_REASONS: Record<string, string> = {
  NOT_FOUND: 'media-input-gone',
  EDIT_UNSUPPORTED: 'edit-unsupported',
  VISION_UNSUPPORTED: 'vision-unsupported',
  TRANSCRIPTION_UNSUPPORTED: 'voice-unavailable',
};

const PROMPT_REASONS: Record<string, string> = {
  EMPTY: 'error-prompt-empty',
  TOO_LONG: 'error-prompt-too-long',
  CONTROL_CHARACTERS: 'error-prompt-control',
  UNKNOWN_STYLE: 'error-prompt-unknown-style',
  CONTENT_REFUSED: 'error-prompt-refused',
};

/** A reset time as HH:MM UTC; daily quotas reset at midnight UTC when the API names no time. */
function hhmmUtc(iso: string | null | undefined): string {
  const date = iso ? new Date(iso) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date.toISOString().slice(11, 16) : '00:00';
}

/**
 * The friendly, localized sentence for an expected failure of a generate call. The API's own
 * `message` is English and written for developers, so it is never shown to the user.
 */
export function problemText(ctx: Speaker, problem: Problem, kind: 'IMAGE' | 'VIDEO' | 'TEXT'): string {
  switch (problem.__typename) {
    case 'InvalidPrompt':
      return ctx.t(PROMPT_REASONS[problem.reason] ?? 'error-prompt-empty', { max: problem.maxLength ?? 0 });
    case 'ProviderUnavailable': {
      const retry = problem.retryAfterSeconds ?? 0;
      if (problem.cause === 'PROVIDER_UNAVAILABLE') return ctx.t(kind === 'TEXT' ? 'ask-no-provider' : 'error-provider-missing');
      if (problem.cause === 'PROVIDER_RATE_LIMITED' || problem.cause === 'PROVIDER_TIMEOUT') return ctx.t('error-provider-busy', { retry });
      if (problem.cause === 'CONTENT_REFUSED') return ctx.t('error-prompt-refused');
      if (problem.cause === 'INTERRUPTED') return ctx.t('error-interrupted');
      return ctx.t('error-provider-failed', { retry });
    }
    case 'NotFound':
      return ctx.t('error-not-found');
    case 'MediaInputRejected':
      return ctx.t(MEDIA_REASONS[problem.mediaReason] ?? 'media-input-gone');
    case 'RateLimited':
      return ctx.t('error-rate-limited', { retry: Math.max(1, Math.ceil(problem.retryAfterSeconds ?? 1)) });
    case 'QuotaExceeded':
      return ctx.t('error-quota-exceeded', { reset: hhmmUtc(problem.resetsAt) });
    case 'Busy':
      return ctx.t('error-busy', { retry: Math.max(1, Math.ceil(problem.retryAfterSeconds ?? 1)) });
  }
}

/** Replies with the problem and marks the update as a user error for the commands counter. */
export async function replyWithProblem(ctx: BotContext, problem: Problem, kind: 'IMAGE' | 'VIDEO' | 'TEXT'): Promise<void> {
  ctx.state.outcome = 'user_error';
  await ctx.reply(problemText(ctx, problem, kind));
}
