/**
 * What every script in scripts/ shares: `--help` answered before anything else happens, and temp
 * files removed on every way out, Ctrl-C and SIGTERM included.
 */
import { rmSync } from 'node:fs';

/** Prints the usage and exits 0 when the arguments ask for help. Call it before any side effect. */
export function answerHelp(usage: string, argv: readonly string[] = process.argv.slice(2)): void {
  if (!argv.includes('--help') && !argv.includes('-h')) return;
  process.stdout.write(`${usage.trim()}\n`);
  process.exit(0);
}

export interface Cleanup {
  /** Removes the path (recursively) when the process ends, however it ends. */
  removeOnExit(path: string): string;
  /** Runs the task once when the process ends; tasks must be synchronous (the event loop is gone). */
  onExit(task: () => void): void;
}

/**
 * Cleanup that also runs on SIGINT and SIGTERM: the signal's default would end the process
 * without 'exit' handlers, leaving gigabytes of benchmark data in /tmp. After cleaning up, the
 * process exits with the signal's conventional code (130, 143).
 */
export function createCleanup(): Cleanup {
  const tasks: Array<() => void> = [];
  let ran = false;
  const run = () => {
    if (ran) return;
    ran = true;
    for (const task of tasks.reverse()) {
      try {
        task();
      } catch (error) {
        process.stderr.write(`cleanup failed: ${(error as Error).message}\n`);
      }
    }
  };
  process.once('exit', run);
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: cleaning up\n`);
      run();
      process.exit(code);
    });
  }
  return {
    removeOnExit(path) {
      tasks.push(() => rmSync(path, { recursive: true, force: true }));
      return path;
    },
    onExit(task) {
      tasks.push(task);
    },
  };
}
