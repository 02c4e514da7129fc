import { Migration } from '@mikro-orm/migrations';

export class Migration20261122112216_payments extends Migration {

  override name = 'Migration20261122112216_payments';

  override up(): void | Promise<void> {
    this.addSql(`create table \`payments\` (\`id\` text not null primary key, \`provider\` text not null, \`external_id\` text not null, \`user_id\` text not null, \`tier\` text not null, \`period_days\` integer not null, \`amount\` integer not null, \`currency\` text not null, \`status\` text not null, \`created_at\` datetime not null, \`refunded_at\` datetime null, constraint \`payments_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`payments_user_id_index\` on \`payments\` (\`user_id\`);`);
    this.addSql(`create unique index \`payments_provider_external_id_unique\` on \`payments\` (\`provider\`, \`external_id\`);`);

    this.addSql(`create table \`webhook_events\` (\`id\` integer not null primary key autoincrement, \`provider\` text not null, \`event_id\` text not null, \`received_at\` datetime not null);`);
    this.addSql(`create index \`webhook_events_received_at_index\` on \`webhook_events\` (\`received_at\`);`);
    this.addSql(`create unique index \`webhook_events_provider_event_id_unique\` on \`webhook_events\` (\`provider\`, \`event_id\`);`);

    this.addSql(`alter table \`users\` add column \`tier_expires_at\` datetime null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`payments\`;`);
    this.addSql(`drop table if exists \`webhook_events\`;`);

    this.addSql(`alter table \`users\` drop column \`tier_expires_at\`;`);
  }

}
