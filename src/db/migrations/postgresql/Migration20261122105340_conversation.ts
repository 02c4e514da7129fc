import { Migration } from '@mikro-orm/migrations';

export class Migration20261122105340_conversation extends Migration {

  override name = 'Migration20261122105340_conversation';

  override up(): void | Promise<void> {
    this.addSql(`create table "conversation_turns" ("id" varchar(36) not null, "user_id" varchar(64) not null, "role" varchar(16) not null, "text" text not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "conversation_turns_expires_at_index" on "conversation_turns" ("expires_at");`);
    this.addSql(`create index "conversation_turns_user_id_created_at_index" on "conversation_turns" ("user_id", "created_at");`);

    this.addSql(`alter table "conversation_turns" add constraint "conversation_turns_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "conversation_turns" cascade;`);
  }

}
