import { Migration } from '@mikro-orm/migrations';

export class Migration20261122112216_payments extends Migration {

  override name = 'Migration20261122112216_payments';

  override up(): void | Promise<void> {
    this.addSql(`create table "payments" ("id" varchar(36) not null, "provider" varchar(32) not null, "external_id" varchar(128) not null, "user_id" varchar(64) not null, "tier" varchar(32) not null, "period_days" int not null, "amount" int not null, "currency" varchar(8) not null, "status" varchar(16) not null, "created_at" timestamptz not null, "refunded_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "payments_user_id_index" on "payments" ("user_id");`);
    this.addSql(`alter table "payments" add constraint "payments_provider_external_id_unique" unique ("provider", "external_id");`);

    this.addSql(`create table "webhook_events" ("id" serial primary key, "provider" varchar(32) not null, "event_id" varchar(128) not null, "received_at" timestamptz not null);`);
    this.addSql(`create index "webhook_events_received_at_index" on "webhook_events" ("received_at");`);
    this.addSql(`alter table "webhook_events" add constraint "webhook_events_provider_event_id_unique" unique ("provider", "event_id");`);

    this.addSql(`alter table "users" add "tier_expires_at" timestamptz null;`);

    this.addSql(`alter table "payments" add constraint "payments_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "payments" cascade;`);
    this.addSql(`drop table if exists "webhook_events" cascade;`);

    this.addSql(`alter table "users" drop column "tier_expires_at";`);
  }

}
