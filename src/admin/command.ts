import type { ParseArgsOptionsConfig } from 'node:util';
import type { ApiClient } from './api-client.ts';
import type { ProgressStream } from './progress.ts';

export type OptionValues = Record<string, string | boolean | string[] | undefined>;

export interface CommandContext {
  values: OptionValues;
  positionals: string[];
  /** Built only once the arguments are known to be good, so a usage error never needs a token. */
  api: () => ApiClient;
  now: Date;
  json: boolean;
  stderr: ProgressStream;
}

/** What a command found: the same facts twice, for people (`text`) and for scripts (`json`). */
export interface CommandResult {
  json: unknown;
  text: string;
}

export interface Command {
  /** As typed: `top-prompts`, or `jobs run` for a command with a subcommand. */
  name: string;
  summary: string;
  /** Arguments after the name, for the usage line: `<name> --scope SCOPE [--expires ISO]`. */
  usage: string;
  /** Lines under the usage line: options and notes. */
  details?: string[];
  options: ParseArgsOptionsConfig;
  /** How many positionals the command takes; more or fewer is a usage error. */
  positionals: { min: number; max: number };
  run(ctx: CommandContext): Promise<CommandResult>;
}
