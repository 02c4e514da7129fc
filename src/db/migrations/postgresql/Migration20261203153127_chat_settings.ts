import { Migration } from '@mikro-orm/migrations';

export class Migration20261203153127_chat_settings extends Migration {

  override name = 'Migration20261203153127_chat_settings';

  override up(): void | Promise<void> {
    this.addSql(`create table "chat_settings" ("chat_id" varchar(64) not null, "default_style" varchar(32) null, "locale" varchar(8) null, "who_may_use" varchar(16) not null default 'everyone', "updated_at" timestamptz not null, primary key ("chat_id"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "chat_settings" cascade;`);
  }

}
