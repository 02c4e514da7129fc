import { Migration } from '@mikro-orm/migrations';

export class Migration20261122105518_jobs extends Migration {

  override name = 'Migration20261122105518_jobs';

  override up(): void | Promise<void> {
    this.addSql(`create table \`daily_rollups\` (\`id\` integer not null primary key autoincrement, \`day\` text not null, \`dimension\` text not null, \`value\` text not null, \`requests\` integer not null, \`failures\` integer not null, \`distinct_users\` integer not null, \`latency_p50ms\` integer null, \`latency_p95ms\` integer null, \`latency_p99ms\` integer null, \`input_tokens\` integer not null, \`output_tokens\` integer not null, \`cost_usd\` numeric(14,6) not null, \`cost_unknown\` integer not null, \`rating_sum\` integer not null, \`rating_count\` integer not null, \`example\` text null);`);
    this.addSql(`create index \`daily_rollups_dimension_day_index\` on \`daily_rollups\` (\`dimension\`, \`day\`);`);
    this.addSql(`create unique index \`daily_rollups_day_dimension_value_unique\` on \`daily_rollups\` (\`day\`, \`dimension\`, \`value\`);`);

    this.addSql(`create table \`job_leases\` (\`job\` text not null primary key, \`holder\` text not null, \`expires_at\` datetime not null, \`acquired_at\` datetime not null);`);

    this.addSql(`create table \`job_runs\` (\`id\` text not null primary key, \`job\` text not null, \`trigger\` text not null, \`holder\` text not null, \`status\` text not null, \`started_at\` datetime not null, \`finished_at\` datetime null, \`rows_affected\` integer not null default 0, \`error_class\` text null, \`details\` json null);`);
    this.addSql(`create index \`job_runs_job_started_at_index\` on \`job_runs\` (\`job\`, \`started_at\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`daily_rollups\`;`);
    this.addSql(`drop table if exists \`job_leases\`;`);
    this.addSql(`drop table if exists \`job_runs\`;`);
  }

}
