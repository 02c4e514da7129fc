import { Migration } from '@mikro-orm/migrations';

export class Migration20261203152837_generation_source_media extends Migration {

  override name = 'Migration20261203152837_generation_source_media';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`generations\` add column \`source_media_id\` text null constraint \`generations_source_media_id_foreign\` references \`media_assets\` (\`id\`) on delete set null;`);
    this.addSql(`create index \`generations_source_media_id_index\` on \`generations\` (\`source_media_id\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index \`generations_source_media_id_index\`;`);
    this.addSql(`alter table \`generations\` drop column \`source_media_id\`;`);
  }

}
