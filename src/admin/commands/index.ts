import type { Command } from '../command.ts';
import { accessAllowCommand, accessClearCommand, accessDenyCommand, accessListCommand } from './access.ts';
import { errorsCommand } from './errors.ts';
import { exportCommand } from './export.ts';
import { jobsListCommand, jobsRunCommand } from './jobs.ts';
import { suggestionsCommand } from './suggestions.ts';
import { themesCommand } from './themes.ts';
import { tokensIssueCommand, tokensListCommand, tokensRevokeCommand, tokensRevokeJwtCommand } from './tokens.ts';
import { topPromptsCommand } from './top-prompts.ts';
import { trendsCommand } from './trends.ts';
import { usageCommand } from './usage.ts';

/** In the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [
  topPromptsCommand, themesCommand, errorsCommand, usageCommand, suggestionsCommand, trendsCommand,
  exportCommand,
  jobsRunCommand, jobsListCommand,
  tokensIssueCommand, tokensListCommand, tokensRevokeCommand, tokensRevokeJwtCommand,
  accessAllowCommand, accessDenyCommand, accessClearCommand, accessListCommand,
];

/** `jobs run …` is found by its first two words, `themes …` by its first. */
export function findCommand(words: readonly string[]): { command: Command; consumed: number } | undefined {
  const two = COMMANDS.find((command) => command.name === `${words[0]} ${words[1]}`);
  if (two) return { command: two, consumed: 2 };
  const one = COMMANDS.find((command) => command.name === words[0]);
  return one ? { command: one, consumed: 1 } : undefined;
}

/** Commands starting with a word: what `jobs` alone should list. */
export function commandsUnder(word: string): Command[] {
  return COMMANDS.filter((command) => command.name.startsWith(`${word} `));
}
