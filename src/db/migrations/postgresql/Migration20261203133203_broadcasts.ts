import { Migration } from '@mikro-orm/migrations';

export class Migration20261203133203_broadcasts extends Migration {

  override name = 'Migration20261203133203_broadcasts';

  override up(): void | Promise<void> {
    this.addSql(`create table "broadcasts" ("id" uuid not null, "text" text not null, "created_at" timestamptz not null, "created_by" varchar(64) not null, "recipients" int not null, primary key ("id"));`);

    this.addSql(`create table "broadcast_messages" ("id" uuid not null, "broadcast_id" uuid not null, "user_id" varchar(64) not null, "status" varchar(8) not null, "claimed_until" timestamptz null, "done_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "broadcast_messages_status_claimed_until_index" on "broadcast_messages" ("status", "claimed_until");`);

    this.addSql(`alter table "users" add "news_ref" varchar(512) null;`);

    this.addSql(`alter table "broadcast_messages" add constraint "broadcast_messages_broadcast_id_foreign" foreign key ("broadcast_id") references "broadcasts" ("id") on delete cascade;`);
    this.addSql(`alter table "broadcast_messages" add constraint "broadcast_messages_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "broadcast_messages" drop constraint "broadcast_messages_broadcast_id_foreign";`);

    this.addSql(`drop table if exists "broadcasts" cascade;`);
    this.addSql(`drop table if exists "broadcast_messages" cascade;`);

    this.addSql(`alter table "users" drop column "news_ref";`);
  }

}
