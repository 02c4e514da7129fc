import type { Command } from './command.ts';
import { COMMANDS } from './commands/index.ts';

const PROGRAM = 'npm run admin --';

export function generalHelp(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return `Atelier admin: the operator's view of the API, over HTTP (never the database).

Usage: ${PROGRAM} <command> [options]

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join('\n')}

Options for every command:
  --json      print JSON on stdout instead of tables (errors: one JSON line on stderr)
  --help, -h  help for the command

Environment:
  ATELIER_API_URL      the API (default http://127.0.0.1:4000)
  ATELIER_ADMIN_TOKEN  an API token: admin scope, or analytics:read for the analytics commands and export

Exit codes: 0 ok, 2 usage error, 3 auth error (401/403 or no token), 4 API error (a typed error
result, GraphQL errors, or a job that failed), 5 API unreachable (refused, timed out, not
GraphQL, or a download cut off), 1 anything else.

Run "${PROGRAM} <command> --help" for a command's options.
`;
}

export function commandHelp(command: Command): string {
  const lines = [`Usage: ${PROGRAM} ${command.name}${command.usage ? ` ${command.usage}` : ''} [--json]`, '', `${command.summary[0]!.toUpperCase()}${command.summary.slice(1)}.`];
  if (command.details?.length) lines.push('', ...command.details.map((detail) => `  ${detail}`));
  return `${lines.join('\n')}\n`;
}

export function groupHelp(word: string, commands: readonly Command[]): string {
  return `Usage: ${PROGRAM} ${word} <${commands.map((command) => command.name.split(' ')[1]).join('|')}> [options]\n\n${commands.map((command) => `  ${command.name.padEnd(14)} ${command.summary}`).join('\n')}\n`;
}
