import { Migration } from '@mikro-orm/migrations';

/** The columns analytics reads (analytics/live-day.ts): an update of any of them stamps the row. */
const COLUMNS = 'user_id, kind, command, provider, style, theme, requested_styles, status, error_class, latency_ms, input_tokens, output_tokens, cost_usd, cost_unknown, rating, prompt_fingerprint, created_at';

export class Migration20261203184535_generation_change_stamp extends Migration {

  override name = 'Migration20261203184535_generation_change_stamp';

  override up(): void | Promise<void> {
    this.addSql(`create index "feedback_created_at_id_index" on "feedback" ("created_at", "id");`);
    this.addSql(`create index "audit_log_action_id_index" on "audit_log" ("action", "id");`);
    this.addSql(`alter table "generations" add "change_seq" bigint not null default '0';`);
    this.addSql(`create index "generations_change_seq_index" on "generations" ("change_seq");`);
    // The writing transaction's id: readers take their snapshot's xmin as the next cursor, and every
    // transaction below it has ended, so a change committed late is still read (analytics/live-rows.ts).
    // Only columns analytics reads stamp a row (not lease renewals or progress); test/analytics/live-rows.test.ts checks the list.
    this.addSql(`create function generations_change_stamp() returns trigger language plpgsql as $$ begin new.change_seq := pg_current_xact_id()::text::bigint; return new; end $$;`);
    this.addSql(`create trigger generations_change_on_insert before insert on generations for each row execute function generations_change_stamp();`);
    this.addSql(`create trigger generations_change_on_update before update of ${COLUMNS} on generations for each row execute function generations_change_stamp();`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "audit_log_action_id_index";`);
    this.addSql(`drop index "feedback_created_at_id_index";`);
    this.addSql(`drop trigger if exists generations_change_on_update on generations;`);
    this.addSql(`drop trigger if exists generations_change_on_insert on generations;`);
    this.addSql(`drop function if exists generations_change_stamp();`);
    this.addSql(`drop index "generations_change_seq_index";`);
    this.addSql(`alter table "generations" drop column "change_seq";`);
  }

}
