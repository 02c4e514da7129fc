import { Migration } from '@mikro-orm/migrations';

/** (prompt_fingerprint, user_id, created_at) serves every lookup by fingerprint; this index only cost a write per insert. */
export class Migration20261203223407_drop_redundant_fingerprint_index extends Migration {

  override name = 'Migration20261203223407_drop_redundant_fingerprint_index';

  override up(): void | Promise<void> {
    this.addSql(`drop index \`generations_prompt_fingerprint_index\`;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`create index \`generations_prompt_fingerprint_index\` on \`generations\` (\`prompt_fingerprint\`);`);
  }

}
