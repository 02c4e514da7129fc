/**
 * Exit codes scripts can rely on. Every failure the CLI reports is one of these classes, and
 * the class decides the code, so a new command cannot invent a code of its own.
 */
export const EXIT = { ok: 0, unexpected: 1, usage: 2, auth: 3, api: 4, unreachable: 5 } as const;

export type FailureKind = Exclude<keyof typeof EXIT, 'ok'>;

export class CliError extends Error {
  readonly kind: FailureKind;
  /** A next step for the reader, printed under the message in human mode. */
  readonly hint: string | undefined;
  constructor(kind: FailureKind, message: string, hint?: string) {
    super(message);
    this.name = 'CliError';
    this.kind = kind;
    this.hint = hint;
  }

  get exitCode(): number {
    return EXIT[this.kind];
  }
}

/** Anything no class below covers (a full disk, a bug). */
export const unexpectedError = (message: string) => new CliError('unexpected', message);
/** Bad arguments: nothing was sent. */
export const usageError = (message: string, hint?: string) => new CliError('usage', message, hint);
/** 401/403, or no token at all. */
export const authError = (message: string, hint?: string) => new CliError('auth', message, hint);
/** The API answered, with a typed error result or GraphQL errors. */
export const apiError = (message: string, hint?: string) => new CliError('api', message, hint);
/** No answer: refused, timed out, not GraphQL (a proxy's error page), or cut off part-way. */
export const unreachableError = (message: string, hint?: string) => new CliError('unreachable', message, hint);
