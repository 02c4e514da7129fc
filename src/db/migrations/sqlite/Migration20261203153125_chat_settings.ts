import { Migration } from '@mikro-orm/migrations';

export class Migration20261203153125_chat_settings extends Migration {

  override name = 'Migration20261203153125_chat_settings';

  override up(): void | Promise<void> {
    this.addSql(`create table \`chat_settings\` (\`chat_id\` text not null primary key, \`default_style\` text null, \`locale\` text null, \`who_may_use\` text not null default 'everyone', \`updated_at\` datetime not null);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`chat_settings\`;`);
  }

}
