import { Migration } from '@mikro-orm/migrations';

export class Migration20261203092837_async_generations extends Migration {

  override name = 'Migration20261203092837_async_generations';

  override up(): void | Promise<void> {
    this.addSql(`create table \`prompt_drafts\` (\`id\` text not null primary key, \`user_id\` text not null, \`kind\` text not null, \`prompt_redacted\` text not null, \`prompt_length\` integer not null, \`created_at\` datetime not null, \`expires_at\` datetime not null, constraint \`prompt_drafts_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`prompt_drafts_user_id_index\` on \`prompt_drafts\` (\`user_id\`);`);
    this.addSql(`create index \`prompt_drafts_expires_at_index\` on \`prompt_drafts\` (\`expires_at\`);`);

    this.addSql(`alter table \`generations\` add column \`progress\` double null;`);
    this.addSql(`alter table \`generations\` add column \`variant\` integer null;`);
    this.addSql(`alter table \`generations\` add column \`attempts\` integer not null default 0;`);
    this.addSql(`alter table \`generations\` add column \`lease_owner\` text null;`);
    this.addSql(`alter table \`generations\` add column \`lease_expires_at\` datetime null;`);
    this.addSql(`alter table \`generations\` add column \`started_at\` datetime null;`);
    this.addSql(`alter table \`generations\` add column \`finished_at\` datetime null;`);
    this.addSql(`alter table \`generations\` add column \`queue_wait_ms\` integer null;`);
    this.addSql(`alter table \`generations\` add column \`retry_after_seconds\` integer null;`);
    this.addSql(`alter table \`generations\` add column \`provider_ms\` integer null;`);
    this.addSql(`alter table \`generations\` add column \`traceparent\` text null;`);
    this.addSql(`alter table \`generations\` add column \`delivery\` text null;`);
    this.addSql(`alter table \`generations\` add column \`delivery_claimed_until\` datetime null;`);
    this.addSql(`alter table \`generations\` add column \`delivered_at\` datetime null;`);
    this.addSql(`create index \`generations_status_kind_id_index\` on \`generations\` (\`status\`, \`kind\`, \`id\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`prompt_drafts\`;`);

    this.addSql(`drop index \`generations_status_kind_id_index\`;`);
    this.addSql(`alter table \`generations\` drop column \`progress\`;`);
    this.addSql(`alter table \`generations\` drop column \`variant\`;`);
    this.addSql(`alter table \`generations\` drop column \`attempts\`;`);
    this.addSql(`alter table \`generations\` drop column \`lease_owner\`;`);
    this.addSql(`alter table \`generations\` drop column \`lease_expires_at\`;`);
    this.addSql(`alter table \`generations\` drop column \`started_at\`;`);
    this.addSql(`alter table \`generations\` drop column \`finished_at\`;`);
    this.addSql(`alter table \`generations\` drop column \`queue_wait_ms\`;`);
    this.addSql(`alter table \`generations\` drop column \`retry_after_seconds\`;`);
    this.addSql(`alter table \`generations\` drop column \`provider_ms\`;`);
    this.addSql(`alter table \`generations\` drop column \`traceparent\`;`);
    this.addSql(`alter table \`generations\` drop column \`delivery\`;`);
    this.addSql(`alter table \`generations\` drop column \`delivery_claimed_until\`;`);
    this.addSql(`alter table \`generations\` drop column \`delivered_at\`;`);
  }

}
