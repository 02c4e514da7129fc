import { Migration } from '@mikro-orm/migrations';

export class Migration20261122105732_rate_limits extends Migration {

  override name = 'Migration20261122105732_rate_limits';

  override up(): void | Promise<void> {
    this.addSql(`create table \`rate_limit_windows\` (\`id\` integer not null primary key autoincrement, \`user_id\` text not null, \`window_start\` integer not null, \`count\` integer not null, constraint \`rate_limit_windows_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`rate_limit_windows_user_id_index\` on \`rate_limit_windows\` (\`user_id\`);`);
    this.addSql(`create index \`rate_limit_windows_window_start_index\` on \`rate_limit_windows\` (\`window_start\`);`);
    this.addSql(`create unique index \`rate_limit_windows_user_id_window_start_unique\` on \`rate_limit_windows\` (\`user_id\`, \`window_start\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`rate_limit_windows\`;`);
  }

}
