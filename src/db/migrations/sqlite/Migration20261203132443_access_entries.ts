import { Migration } from '@mikro-orm/migrations';

export class Migration20261203132443_access_entries extends Migration {

  override name = 'Migration20261203132443_access_entries';

  override up(): void | Promise<void> {
    this.addSql(`create table \`access_entries\` (\`user_id\` text not null primary key, \`list\` text not null, \`created_at\` datetime not null);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`access_entries\`;`);
  }

}
