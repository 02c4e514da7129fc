import { Migration } from '@mikro-orm/migrations';

export class Migration20261203122447_rollup_example_at extends Migration {

  override name = 'Migration20261203122447_rollup_example_at';

  override up(): void | Promise<void> {
    this.addSql(`alter table "daily_rollups" add "example_at" timestamptz null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "daily_rollups" drop column "example_at";`);
  }

}
