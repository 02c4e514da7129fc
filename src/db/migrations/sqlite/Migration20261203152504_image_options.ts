import { Migration } from '@mikro-orm/migrations';

export class Migration20261203152504_image_options extends Migration {

  override name = 'Migration20261203152504_image_options';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`users\` add column \`image_provider\` text null;`);

    this.addSql(`alter table \`prompt_drafts\` add column \`aspect_ratio\` text null;`);
    this.addSql(`alter table \`prompt_drafts\` add column \`seed\` integer null;`);
    this.addSql(`alter table \`prompt_drafts\` add column \`image_count\` integer null;`);
    this.addSql(`alter table \`prompt_drafts\` add column \`negative_prompt_redacted\` text null;`);

    this.addSql(`alter table \`media_assets\` add column \`generation_id\` text null;`);
    this.addSql(`alter table \`media_assets\` add column \`position\` integer null;`);
    this.addSql(`create index \`media_assets_generation_id_index\` on \`media_assets\` (\`generation_id\`);`);

    this.addSql(`alter table \`generations\` add column \`aspect_ratio\` text null;`);
    this.addSql(`alter table \`generations\` add column \`seed\` integer null;`);
    this.addSql(`alter table \`generations\` add column \`image_count\` integer null;`);
    this.addSql(`alter table \`generations\` add column \`negative_prompt_redacted\` text null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`generations\` drop column \`aspect_ratio\`;`);
    this.addSql(`alter table \`generations\` drop column \`seed\`;`);
    this.addSql(`alter table \`generations\` drop column \`image_count\`;`);
    this.addSql(`alter table \`generations\` drop column \`negative_prompt_redacted\`;`);

    this.addSql(`drop index \`media_assets_generation_id_index\`;`);
    this.addSql(`alter table \`media_assets\` drop column \`generation_id\`;`);
    this.addSql(`alter table \`media_assets\` drop column \`position\`;`);

    this.addSql(`alter table \`prompt_drafts\` drop column \`aspect_ratio\`;`);
    this.addSql(`alter table \`prompt_drafts\` drop column \`seed\`;`);
    this.addSql(`alter table \`prompt_drafts\` drop column \`image_count\`;`);
    this.addSql(`alter table \`prompt_drafts\` drop column \`negative_prompt_redacted\`;`);

    this.addSql(`alter table \`users\` drop column \`image_provider\`;`);
  }

}
