import { Migration } from '@mikro-orm/migrations';

export class Migration20261201131301_usage_order extends Migration {

  override name = 'Migration20261201131301_usage_order';

  override up(): void | Promise<void> {
    this.addSql(`create index daily_usage_requests_index on daily_usage (requests desc, day desc, user_id);`);
    this.addSql(`create index daily_usage_tokens_index on daily_usage ((input_tokens + output_tokens) desc, day desc, user_id);`);
    this.addSql(`create index daily_usage_cost_index on daily_usage (cost_usd desc, day desc, user_id);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index \`daily_usage_requests_index\`;`);
    this.addSql(`drop index \`daily_usage_tokens_index\`;`);
    this.addSql(`drop index \`daily_usage_cost_index\`;`);
  }

}
