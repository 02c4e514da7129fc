import { Migration } from '@mikro-orm/migrations';

export class Migration20261203132444_access_entries extends Migration {

  override name = 'Migration20261203132444_access_entries';

  override up(): void | Promise<void> {
    this.addSql(`create table "access_entries" ("user_id" varchar(64) not null, "list" varchar(8) not null, "created_at" timestamptz not null, primary key ("user_id"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "access_entries" cascade;`);
  }

}
