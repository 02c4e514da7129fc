import { Migration } from '@mikro-orm/migrations';

export class Migration20261122104336_initial extends Migration {

  override name = 'Migration20261122104336_initial';

  override up(): void | Promise<void> {
    this.addSql(`create table "api_tokens" ("id" varchar(36) not null, "name" varchar(64) not null, "token_hash" varchar(64) not null, "scopes" varchar(255) not null, "created_at" timestamptz not null, "last_used_at" timestamptz null, "expires_at" timestamptz null, "revoked_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "api_tokens" add constraint "api_tokens_token_hash_unique" unique ("token_hash");`);

    this.addSql(`create table "audit_log" ("id" serial primary key, "at" timestamptz not null, "actor" varchar(64) not null, "action" varchar(64) not null, "target" varchar(64) null, "details" jsonb null);`);
    this.addSql(`create index "audit_log_at_index" on "audit_log" ("at");`);

    this.addSql(`create table "users" ("id" varchar(64) not null, "tier" varchar(32) not null default 'free', "locale" varchar(8) null, "default_style" varchar(32) null, "first_seen_at" timestamptz not null, "last_seen_at" timestamptz not null, primary key ("id"));`);

    this.addSql(`create table "media_assets" ("id" varchar(36) not null, "user_id" varchar(64) not null, "storage_key" varchar(255) not null, "mime_type" varchar(64) not null, "size_bytes" int not null, "sha256" varchar(64) not null, "width" int null, "height" int null, "keep" boolean not null default false, "expires_at" timestamptz null, "deleted_at" timestamptz null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "media_assets_user_id_index" on "media_assets" ("user_id");`);
    this.addSql(`create index "media_assets_expires_at_index" on "media_assets" ("expires_at");`);

    this.addSql(`create table "generations" ("id" varchar(36) not null, "user_id" varchar(64) not null, "kind" varchar(16) not null, "command" varchar(32) not null, "provider" varchar(32) not null, "model" varchar(64) not null, "style" varchar(32) not null, "theme" varchar(32) not null, "requested_styles" varchar(255) null, "status" varchar(16) not null, "error_class" varchar(32) null, "latency_ms" int not null, "input_tokens" int null, "output_tokens" int null, "cost_usd" numeric(14,6) null, "cost_unknown" boolean not null default false, "prompt_redacted" text null, "prompt_fingerprint" varchar(32) not null, "prompt_length" int not null, "media_id" varchar(36) null, "rating" smallint null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "generations_prompt_fingerprint_index" on "generations" ("prompt_fingerprint");`);
    this.addSql(`create index "generations_media_id_index" on "generations" ("media_id");`);
    this.addSql(`create index "generations_user_id_created_at_index" on "generations" ("user_id", "created_at");`);
    this.addSql(`create index "generations_created_at_index" on "generations" ("created_at");`);

    this.addSql(`create table "feedback" ("id" varchar(36) not null, "user_id" varchar(64) not null, "generation_id" varchar(36) null, "text_redacted" text not null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "feedback_user_id_index" on "feedback" ("user_id");`);
    this.addSql(`create index "feedback_generation_id_index" on "feedback" ("generation_id");`);

    this.addSql(`create table "daily_usage" ("id" serial primary key, "user_id" varchar(64) not null, "day" varchar(10) not null, "requests" int not null default 0, "images" int not null default 0, "videos" int not null default 0, "texts" int not null default 0, "failures" int not null default 0, "input_tokens" int not null default 0, "output_tokens" int not null default 0, "cost_usd" numeric(14,6) not null default 0, "cost_unknown" int not null default 0);`);
    this.addSql(`alter table "daily_usage" add constraint "daily_usage_user_id_day_unique" unique ("user_id", "day");`);

    this.addSql(`alter table "media_assets" add constraint "media_assets_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`);

    this.addSql(`alter table "generations" add constraint "generations_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`);
    this.addSql(`alter table "generations" add constraint "generations_media_id_foreign" foreign key ("media_id") references "media_assets" ("id") on delete set null;`);

    this.addSql(`alter table "feedback" add constraint "feedback_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`);
    this.addSql(`alter table "feedback" add constraint "feedback_generation_id_foreign" foreign key ("generation_id") references "generations" ("id") on delete set null;`);

    this.addSql(`alter table "daily_usage" add constraint "daily_usage_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "media_assets" drop constraint "media_assets_user_id_foreign";`);
    this.addSql(`alter table "generations" drop constraint "generations_user_id_foreign";`);
    this.addSql(`alter table "feedback" drop constraint "feedback_user_id_foreign";`);
    this.addSql(`alter table "daily_usage" drop constraint "daily_usage_user_id_foreign";`);
    this.addSql(`alter table "generations" drop constraint "generations_media_id_foreign";`);
    this.addSql(`alter table "feedback" drop constraint "feedback_generation_id_foreign";`);

    this.addSql(`drop table if exists "api_tokens" cascade;`);
    this.addSql(`drop table if exists "audit_log" cascade;`);
    this.addSql(`drop table if exists "users" cascade;`);
    this.addSql(`drop table if exists "media_assets" cascade;`);
    this.addSql(`drop table if exists "generations" cascade;`);
    this.addSql(`drop table if exists "feedback" cascade;`);
    this.addSql(`drop table if exists "daily_usage" cascade;`);
  }

}
