import { Migration } from '@mikro-orm/migrations';

export class Migration20261122105732_rate_limits extends Migration {

  override name = 'Migration20261122105732_rate_limits';

  override up(): void | Promise<void> {
    this.addSql(`create table "rate_limit_windows" ("id" serial primary key, "user_id" varchar(64) not null, "window_start" int not null, "count" int not null);`);
    this.addSql(`create index "rate_limit_windows_window_start_index" on "rate_limit_windows" ("window_start");`);
    this.addSql(`alter table "rate_limit_windows" add constraint "rate_limit_windows_user_id_window_start_unique" unique ("user_id", "window_start");`);

    this.addSql(`alter table "rate_limit_windows" add constraint "rate_limit_windows_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "rate_limit_windows" cascade;`);
  }

}
