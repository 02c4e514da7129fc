import { Migration } from '@mikro-orm/migrations';

export class Migration20261122105518_jobs extends Migration {

  override name = 'Migration20261122105518_jobs';

  override up(): void | Promise<void> {
    this.addSql(`create table "daily_rollups" ("id" serial primary key, "day" varchar(10) not null, "dimension" varchar(32) not null, "value" varchar(64) not null, "requests" int not null, "failures" int not null, "distinct_users" int not null, "latency_p50ms" int null, "latency_p95ms" int null, "latency_p99ms" int null, "input_tokens" int not null, "output_tokens" int not null, "cost_usd" numeric(14,6) not null, "cost_unknown" int not null, "rating_sum" int not null, "rating_count" int not null, "example" text null);`);
    this.addSql(`create index "daily_rollups_dimension_day_index" on "daily_rollups" ("dimension", "day");`);
    this.addSql(`alter table "daily_rollups" add constraint "daily_rollups_day_dimension_value_unique" unique ("day", "dimension", "value");`);

    this.addSql(`create table "job_leases" ("job" varchar(32) not null, "holder" varchar(64) not null, "expires_at" timestamptz not null, "acquired_at" timestamptz not null, primary key ("job"));`);

    this.addSql(`create table "job_runs" ("id" varchar(36) not null, "job" varchar(32) not null, "trigger" varchar(16) not null, "holder" varchar(64) not null, "status" varchar(16) not null, "started_at" timestamptz not null, "finished_at" timestamptz null, "rows_affected" int not null default 0, "error_class" varchar(64) null, "details" jsonb null, primary key ("id"));`);
    this.addSql(`create index "job_runs_job_started_at_index" on "job_runs" ("job", "started_at");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "daily_rollups" cascade;`);
    this.addSql(`drop table if exists "job_leases" cascade;`);
    this.addSql(`drop table if exists "job_runs" cascade;`);
  }

}
