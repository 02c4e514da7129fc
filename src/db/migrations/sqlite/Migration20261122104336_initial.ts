import { Migration } from '@mikro-orm/migrations';

export class Migration20261122104336_initial extends Migration {

  override name = 'Migration20261122104336_initial';

  override up(): void | Promise<void> {
    this.addSql(`create table \`api_tokens\` (\`id\` text not null primary key, \`name\` text not null, \`token_hash\` text not null, \`scopes\` text not null, \`created_at\` datetime not null, \`last_used_at\` datetime null, \`expires_at\` datetime null, \`revoked_at\` datetime null);`);
    this.addSql(`create unique index \`api_tokens_token_hash_unique\` on \`api_tokens\` (\`token_hash\`);`);

    this.addSql(`create table \`audit_log\` (\`id\` integer not null primary key autoincrement, \`at\` datetime not null, \`actor\` text not null, \`action\` text not null, \`target\` text null, \`details\` json null);`);
    this.addSql(`create index \`audit_log_at_index\` on \`audit_log\` (\`at\`);`);

    this.addSql(`create table \`users\` (\`id\` text not null primary key, \`tier\` text not null default 'free', \`locale\` text null, \`default_style\` text null, \`first_seen_at\` datetime not null, \`last_seen_at\` datetime not null);`);

    this.addSql(`create table \`media_assets\` (\`id\` text not null primary key, \`user_id\` text not null, \`storage_key\` text not null, \`mime_type\` text not null, \`size_bytes\` integer not null, \`sha256\` text not null, \`width\` integer null, \`height\` integer null, \`keep\` integer not null default false, \`expires_at\` datetime null, \`deleted_at\` datetime null, \`created_at\` datetime not null, constraint \`media_assets_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`media_assets_user_id_index\` on \`media_assets\` (\`user_id\`);`);
    this.addSql(`create index \`media_assets_expires_at_index\` on \`media_assets\` (\`expires_at\`);`);

    this.addSql(`create table \`generations\` (\`id\` text not null primary key, \`user_id\` text not null, \`kind\` text not null, \`command\` text not null, \`provider\` text not null, \`model\` text not null, \`style\` text not null, \`theme\` text not null, \`requested_styles\` text null, \`status\` text not null, \`error_class\` text null, \`latency_ms\` integer not null, \`input_tokens\` integer null, \`output_tokens\` integer null, \`cost_usd\` numeric(14,6) null, \`cost_unknown\` integer not null default false, \`prompt_redacted\` text null, \`prompt_fingerprint\` text not null, \`prompt_length\` integer not null, \`media_id\` text null, \`rating\` integer null, \`created_at\` datetime not null, constraint \`generations_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on delete cascade, constraint \`generations_media_id_foreign\` foreign key (\`media_id\`) references \`media_assets\` (\`id\`) on delete set null);`);
    this.addSql(`create index \`generations_user_id_index\` on \`generations\` (\`user_id\`);`);
    this.addSql(`create index \`generations_prompt_fingerprint_index\` on \`generations\` (\`prompt_fingerprint\`);`);
    this.addSql(`create index \`generations_media_id_index\` on \`generations\` (\`media_id\`);`);
    this.addSql(`create index \`generations_user_id_created_at_index\` on \`generations\` (\`user_id\`, \`created_at\`);`);
    this.addSql(`create index \`generations_created_at_index\` on \`generations\` (\`created_at\`);`);

    this.addSql(`create table \`feedback\` (\`id\` text not null primary key, \`user_id\` text not null, \`generation_id\` text null, \`text_redacted\` text not null, \`created_at\` datetime not null, constraint \`feedback_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on delete cascade, constraint \`feedback_generation_id_foreign\` foreign key (\`generation_id\`) references \`generations\` (\`id\`) on delete set null);`);
    this.addSql(`create index \`feedback_user_id_index\` on \`feedback\` (\`user_id\`);`);
    this.addSql(`create index \`feedback_generation_id_index\` on \`feedback\` (\`generation_id\`);`);

    this.addSql(`create table \`daily_usage\` (\`id\` integer not null primary key autoincrement, \`user_id\` text not null, \`day\` text not null, \`requests\` integer not null default 0, \`images\` integer not null default 0, \`videos\` integer not null default 0, \`texts\` integer not null default 0, \`failures\` integer not null default 0, \`input_tokens\` integer not null default 0, \`output_tokens\` integer not null default 0, \`cost_usd\` numeric(14,6) not null default 0, \`cost_unknown\` integer not null default 0, constraint \`daily_usage_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`daily_usage_user_id_index\` on \`daily_usage\` (\`user_id\`);`);
    this.addSql(`create unique index \`daily_usage_user_id_day_unique\` on \`daily_usage\` (\`user_id\`, \`day\`);`);
  }

  override down(): void | Promise<void> {

    this.addSql(`drop table if exists \`api_tokens\`;`);
    this.addSql(`drop table if exists \`audit_log\`;`);
    this.addSql(`drop table if exists \`users\`;`);
    this.addSql(`drop table if exists \`media_assets\`;`);
    this.addSql(`drop table if exists \`generations\`;`);
    this.addSql(`drop table if exists \`feedback\`;`);
    this.addSql(`drop table if exists \`daily_usage\`;`);
  }

}
