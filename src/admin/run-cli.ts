import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { createApiClient } from './api-client.ts';
import type { CommandResult } from './command.ts';
import { commandsUnder, findCommand } from './commands/index.ts';
import { authError, CliError, EXIT, unexpectedError, usageError } from './errors.ts';
import { commandHelp, generalHelp, groupHelp } from './help.ts';
import type { ProgressStream } from './progress.ts';

export interface CliIo {
  env: Record<string, string | undefined>;
  stdout: { write(text: string): unknown };
  stderr: ProgressStream;
  now: () => Date;
}

const GLOBAL_OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsOptionsConfig;

const DEFAULT_API_URL = 'http://127.0.0.1:4000';

const isGlobalFlag = (arg: string) => arg === '--json' || arg === '--help' || arg === '-h';

/** The words before the first option (global flags may come first): `jobs run rollup --json` gives three. */
function commandWords(argv: readonly string[]): string[] {
  const words: string[] = [];
  for (const arg of argv) {
    if (isGlobalFlag(arg)) continue;
    if (arg.startsWith('-')) break;
    words.push(arg);
  }
  return words;
}

/** The arguments left for the command once its name (the first `count` words) is taken out. */
function withoutCommandWords(argv: readonly string[], count: number): string[] {
  const args = [...argv];
  let removed = 0;
  for (let index = 0; index < args.length && removed < count; ) {
    if (isGlobalFlag(args[index]!)) {
      index += 1;
      continue;
    }
    args.splice(index, 1);
    removed += 1;
  }
  return args;
}

function report(io: CliIo, error: CliError, json: boolean): number {
  if (json) {
    io.stderr.write(`${JSON.stringify({ error: { kind: error.kind, exitCode: error.exitCode, message: error.message } })}\n`);
  } else {
    io.stderr.write(`error: ${error.message}\n${error.hint ? `${error.hint}\n` : ''}`);
  }
  return error.exitCode;
}

/**
 * The whole CLI as a function of its arguments and surroundings: parses, runs one command,
 * prints, and returns the exit code. The token comes from the environment only: a token on the
 * command line would end up in shell history and in `ps` output.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const json = argv.includes('--json');
  try {
    const wantsHelp = argv.includes('--help') || argv.includes('-h');
    const words = commandWords(argv);
    if (words.length === 0 || words[0] === 'help') {
      const topic = words[0] === 'help' ? findCommand(words.slice(1)) : undefined;
      io.stdout.write(topic ? commandHelp(topic.command) : generalHelp());
      return wantsHelp || words[0] === 'help' ? EXIT.ok : EXIT.usage;
    }
    const found = findCommand(words);
    if (!found) {
      const group = commandsUnder(words[0]!);
      if (group.length > 0) {
        if (wantsHelp) {
          io.stdout.write(groupHelp(words[0]!, group));
          return EXIT.ok;
        }
        throw usageError(`"${words[0]}" needs one of: ${group.map((command) => command.name.split(' ')[1]).join(', ')}.`, `Run "npm run admin -- ${words[0]} --help".`);
      }
      throw usageError(`Unknown command "${words[0]}".`, 'Run "npm run admin -- --help" for the list.');
    }
    const { command, consumed } = found;
    const args = withoutCommandWords(argv, consumed);
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({ args, options: { ...GLOBAL_OPTIONS, ...command.options }, allowPositionals: true, strict: true });
    } catch (error) {
      throw usageError((error as Error).message.split('\n')[0]!, `Run "npm run admin -- ${command.name} --help".`);
    }
    if (parsed.values['help']) {
      io.stdout.write(commandHelp(command));
      return EXIT.ok;
    }
    const { positionals } = parsed;
    if (positionals.length < command.positionals.min || positionals.length > command.positionals.max) {
      throw usageError(`Usage: npm run admin -- ${command.name}${command.usage ? ` ${command.usage}` : ''}`);
    }
    const api = () => {
      const token = io.env['ATELIER_ADMIN_TOKEN']?.trim();
      if (!token) throw authError('ATELIER_ADMIN_TOKEN is not set.', 'Issue one with "npm run token:issue -- ops admin" on the server, or use ADMIN_API_TOKEN.');
      return createApiClient({ baseUrl: io.env['ATELIER_API_URL']?.trim() || DEFAULT_API_URL, token });
    };
    const result: CommandResult = await command.run({
      values: parsed.values as Record<string, string | boolean | string[] | undefined>, positionals, api, now: io.now(), json, stderr: io.stderr,
    });
    if (json) io.stdout.write(`${JSON.stringify(result.json, null, 2)}\n`);
    else if (result.text) io.stdout.write(result.text);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CliError) return report(io, error, json);
    return report(io, unexpectedError(error instanceof Error ? error.message : String(error)), json);
  }
}

