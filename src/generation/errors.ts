import type { ErrorClass } from './provider.ts';

/** Expected failures of `generate`; each is a member of the GraphQL result union. */

export type InvalidPromptReason = 'EMPTY' | 'TOO_LONG' | 'CONTROL_CHARACTERS' | 'UNKNOWN_STYLE' | 'CONTENT_REFUSED';

export class InvalidPromptError extends Error {
  readonly reason: InvalidPromptReason;
  readonly maxLength: number | undefined;

  constructor(reason: InvalidPromptReason, message: string, maxLength?: number) {
    super(message);
    this.name = 'InvalidPromptError';
    this.reason = reason;
    this.maxLength = maxLength;
  }
}

export class ProviderUnavailableError extends Error {
  readonly errorClass: ErrorClass;
  readonly retryAfterSeconds: number | undefined;

  constructor(errorClass: ErrorClass, message: string, retryAfterSeconds?: number) {
    super(message);
    this.name = 'ProviderUnavailableError';
    this.errorClass = errorClass;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The queue of waiting jobs is at its cap (GENERATION_QUEUE_MAX): back off and retry. */
export class BusyError extends Error {
  readonly kind: string;
  readonly retryAfterSeconds: number;

  constructor(kind: string, retryAfterSeconds: number, message?: string) {
    super(message ?? `Too many ${kind} generations are waiting right now. Please try again in ${retryAfterSeconds} s.`);
    this.name = 'BusyError';
    this.kind = kind;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export type MediaInputReason = 'NOT_FOUND' | 'EDIT_UNSUPPORTED' | 'VISION_UNSUPPORTED' | 'TRANSCRIPTION_UNSUPPORTED' | 'SPEECH_UNSUPPORTED';

/**
 * The media a request refers to cannot be used: it is not the user's, is gone (past its window or
 * erased), is not of the right kind, or no configured provider can take it. Nothing was generated.
 */
export class MediaInputError extends Error {
  readonly reason: MediaInputReason;
  constructor(reason: MediaInputReason, message: string) {
    super(message);
    this.name = 'MediaInputError';
    this.reason = reason;
  }
}

/** An option of a request (aspect ratio, seed, negative prompt, image count) is out of range; nothing was written. */
export class InvalidOptionError extends Error {
  readonly field: string;

  constructor(field: string, message: string) {
    super(message);
    this.name = 'InvalidOptionError';
    this.field = field;
  }
}
