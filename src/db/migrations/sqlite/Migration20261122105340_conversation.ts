import { Migration } from '@mikro-orm/migrations';

export class Migration20261122105340_conversation extends Migration {

  override name = 'Migration20261122105340_conversation';

  override up(): void | Promise<void> {
    this.addSql(`create table \`conversation_turns\` (\`id\` text not null primary key, \`user_id\` text not null, \`role\` text not null, \`text\` text not null, \`created_at\` datetime not null, \`expires_at\` datetime not null, constraint \`conversation_turns_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`conversation_turns_user_id_index\` on \`conversation_turns\` (\`user_id\`);`);
    this.addSql(`create index \`conversation_turns_expires_at_index\` on \`conversation_turns\` (\`expires_at\`);`);
    this.addSql(`create index \`conversation_turns_user_id_created_at_index\` on \`conversation_turns\` (\`user_id\`, \`created_at\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`conversation_turns\`;`);
  }

}
