import { Migration } from '@mikro-orm/migrations';

export class Migration20261203122721_abuse_limits extends Migration {

  override name = 'Migration20261203122721_abuse_limits';

  override up(): void | Promise<void> {
    this.addSql(`create table \`revoked_tokens\` (\`jti\` text not null primary key, \`revoked_at\` datetime not null, \`expires_at\` datetime not null);`);
    this.addSql(`create index \`revoked_tokens_expires_at_index\` on \`revoked_tokens\` (\`expires_at\`);`);

    this.addSql(`alter table \`users\` add column \`created_by_token\` text null;`);
    this.addSql(`create index \`users_created_by_token_first_seen_at_index\` on \`users\` (\`created_by_token\`, \`first_seen_at\`);`);

    this.addSql(`alter table \`generations\` add column \`api_token_id\` text null;`);
    this.addSql(`create index \`generations_api_token_id_status_index\` on \`generations\` (\`api_token_id\`, \`status\`);`);
    this.addSql(`create index \`generations_api_token_id_created_at_index\` on \`generations\` (\`api_token_id\`, \`created_at\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`revoked_tokens\`;`);

    this.addSql(`drop index \`generations_api_token_id_status_index\`;`);
    this.addSql(`drop index \`generations_api_token_id_created_at_index\`;`);
    this.addSql(`alter table \`generations\` drop column \`api_token_id\`;`);

    this.addSql(`drop index \`users_created_by_token_first_seen_at_index\`;`);
    this.addSql(`alter table \`users\` drop column \`created_by_token\`;`);
  }

}
