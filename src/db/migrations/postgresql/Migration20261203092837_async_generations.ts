import { Migration } from '@mikro-orm/migrations';

export class Migration20261203092837_async_generations extends Migration {

  override name = 'Migration20261203092837_async_generations';

  override up(): void | Promise<void> {
    this.addSql(`create table "prompt_drafts" ("id" varchar(22) not null, "user_id" varchar(64) not null, "kind" varchar(16) not null, "prompt_redacted" text not null, "prompt_length" int not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "prompt_drafts_user_id_index" on "prompt_drafts" ("user_id");`);
    this.addSql(`create index "prompt_drafts_expires_at_index" on "prompt_drafts" ("expires_at");`);

    this.addSql(`alter table "generations" add "progress" double precision null, add "variant" smallint null, add "attempts" smallint not null default 0, add "lease_owner" varchar(64) null, add "lease_expires_at" timestamptz null, add "started_at" timestamptz null, add "finished_at" timestamptz null, add "queue_wait_ms" int null, add "retry_after_seconds" int null, add "provider_ms" int null, add "traceparent" varchar(64) null, add "delivery" varchar(512) null, add "delivery_claimed_until" timestamptz null, add "delivered_at" timestamptz null;`);
    this.addSql(`create index "generations_status_kind_id_index" on "generations" ("status", "kind", "id");`);

    this.addSql(`alter table "prompt_drafts" add constraint "prompt_drafts_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "prompt_drafts" cascade;`);

    this.addSql(`drop index "generations_status_kind_id_index";`);
    this.addSql(`alter table "generations" drop column "progress", drop column "variant", drop column "attempts", drop column "lease_owner", drop column "lease_expires_at", drop column "started_at", drop column "finished_at", drop column "queue_wait_ms", drop column "retry_after_seconds", drop column "provider_ms", drop column "traceparent", drop column "delivery", drop column "delivery_claimed_until", drop column "delivered_at";`);
  }

}
