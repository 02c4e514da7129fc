import { Migration } from '@mikro-orm/migrations';

export class Migration20261203133202_broadcasts extends Migration {

  override name = 'Migration20261203133202_broadcasts';

  override up(): void | Promise<void> {
    this.addSql(`create table \`broadcasts\` (\`id\` text not null primary key, \`text\` text not null, \`created_at\` datetime not null, \`created_by\` text not null, \`recipients\` integer not null);`);

    this.addSql(`create table \`broadcast_messages\` (\`id\` text not null primary key, \`broadcast_id\` text not null, \`user_id\` text not null, \`status\` text not null, \`claimed_until\` datetime null, \`done_at\` datetime null, constraint \`broadcast_messages_broadcast_id_foreign\` foreign key (\`broadcast_id\`) references \`broadcasts\` (\`id\`) on delete cascade, constraint \`broadcast_messages_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`broadcast_messages_broadcast_id_index\` on \`broadcast_messages\` (\`broadcast_id\`);`);
    this.addSql(`create index \`broadcast_messages_user_id_index\` on \`broadcast_messages\` (\`user_id\`);`);
    this.addSql(`create index \`broadcast_messages_status_claimed_until_index\` on \`broadcast_messages\` (\`status\`, \`claimed_until\`);`);

    this.addSql(`alter table \`users\` add column \`news_ref\` text null;`);
  }

  override down(): void | Promise<void> {

    this.addSql(`drop table if exists \`broadcasts\`;`);
    this.addSql(`drop table if exists \`broadcast_messages\`;`);

    this.addSql(`alter table \`users\` drop column \`news_ref\`;`);
  }

}
