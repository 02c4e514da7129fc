import { Migration } from '@mikro-orm/migrations';

/** The columns analytics reads (analytics/live-day.ts): an update of any of them stamps the row. */
const COLUMNS = 'user_id, kind, command, provider, style, theme, requested_styles, status, error_class, latency_ms, input_tokens, output_tokens, cost_usd, cost_unknown, rating, prompt_fingerprint, created_at';

export class Migration20261203184533_generation_change_stamp extends Migration {

  override name = 'Migration20261203184533_generation_change_stamp';

  override up(): void | Promise<void> {
    this.addSql(`create index \`feedback_created_at_id_index\` on \`feedback\` (\`created_at\`, \`id\`);`);
    this.addSql(`create index \`audit_log_action_id_index\` on \`audit_log\` (\`action\`, \`id\`);`);
    this.addSql(`alter table \`generations\` add column \`change_seq\` bigint not null default '0';`);
    this.addSql(`create index \`generations_change_seq_index\` on \`generations\` (\`change_seq\`);`);
    // One writer at a time: the next number, taken inside the writing transaction, also orders commits.
    // Only columns analytics reads stamp a row (not lease renewals or progress); test/analytics/live-rows.test.ts checks the list.
    const next = `(select coalesce(max(change_seq), 0) + 1 from generations)`;
    this.addSql(`create trigger generations_change_on_insert after insert on generations begin update generations set change_seq = ${next} where id = new.id; end;`);
    this.addSql(`create trigger generations_change_on_update after update of ${COLUMNS} on generations begin update generations set change_seq = ${next} where id = new.id; end;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index \`audit_log_action_id_index\`;`);
    this.addSql(`drop index \`feedback_created_at_id_index\`;`);
    this.addSql(`drop trigger if exists generations_change_on_update;`);
    this.addSql(`drop trigger if exists generations_change_on_insert;`);
    this.addSql(`drop index \`generations_change_seq_index\`;`);
    this.addSql(`alter table \`generations\` drop column \`change_seq\`;`);
  }

}
