import { Migration } from '@mikro-orm/migrations';

export class Migration20261122120650_analytics_index extends Migration {

  override name = 'Migration20261122120650_analytics_index';

  override up(): void | Promise<void> {
    this.addSql(`create index "generations_prompt_fingerprint_user_id_created_at_index" on "generations" ("prompt_fingerprint", "user_id", "created_at");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "generations_prompt_fingerprint_user_id_created_at_index";`);
  }

}
