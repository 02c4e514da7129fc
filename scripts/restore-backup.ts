/**
 * `npm run backup:restore -- <backup.sqlite.gz[.enc]> [target] [--force]`: restores a backup written
 * by the `backup` job. An encrypted backup (`.enc`) is decrypted with BACKUP_ENCRYPTION_KEY from the
 * environment; a wrong key is named as such and restores nothing. The target defaults to the
 * configured SQLite database; an existing file is only replaced with --force, and only after the
 * restored copy passed `pragma integrity_check`. Stop the API (and scheduler) using the target first.
 */
import { parseConfigOrExit } from '../src/config.ts';
import { restoreBackup } from '../src/jobs/backup.ts';
import { answerHelp } from '../src/cli.ts';

answerHelp(`
usage: npm run backup:restore -- <backup.sqlite.gz> [target.sqlite] [--force]

Restores a backup written by the backup job into the configured SQLite database (or target); an
existing file is replaced only with --force, after the restored copy passed integrity_check.`);

const args = process.argv.slice(2);
const force = args.includes('--force');
const [file, explicitTarget] = args.filter((arg) => arg !== '--force');
if (!file) {
  console.error('usage: npm run backup:restore -- <backup.sqlite.gz[.enc]> [target.sqlite] [--force]  (BACKUP_ENCRYPTION_KEY decrypts .enc backups)');
  process.exit(64);
}
const config = parseConfigOrExit(process.env);
let target = explicitTarget;
if (!target) {
  const database = config.database;
  if (database.driver !== 'sqlite') {
    console.error('DATABASE_URL points at PostgreSQL: name a target SQLite file, or restore PostgreSQL with its own tooling.');
    process.exit(64);
  }
  target = database.path;
}
try {
  const restored = await restoreBackup(file, target, { force, key: config.jobs.backupEncryptionKey });
  console.log(`restored ${file} to ${restored.target} (${restored.bytes} bytes, integrity ok)`);
} catch (error) {
  console.error(`restore failed: ${(error as Error).message}`);
  process.exit(1);
}
