import { Migration } from '@mikro-orm/migrations';

export class Migration20261203152505_image_options extends Migration {

  override name = 'Migration20261203152505_image_options';

  override up(): void | Promise<void> {
    this.addSql(`alter table "users" add "image_provider" varchar(32) null;`);

    this.addSql(`alter table "prompt_drafts" add "aspect_ratio" varchar(16) null, add "seed" int null, add "image_count" smallint null, add "negative_prompt_redacted" text null;`);

    this.addSql(`alter table "media_assets" add "generation_id" varchar(36) null, add "position" smallint null;`);
    this.addSql(`create index "media_assets_generation_id_index" on "media_assets" ("generation_id");`);

    this.addSql(`alter table "generations" add "aspect_ratio" varchar(16) null, add "seed" int null, add "image_count" smallint null, add "negative_prompt_redacted" text null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "generations" drop column "aspect_ratio", drop column "seed", drop column "image_count", drop column "negative_prompt_redacted";`);

    this.addSql(`drop index "media_assets_generation_id_index";`);
    this.addSql(`alter table "media_assets" drop column "generation_id", drop column "position";`);

    this.addSql(`alter table "prompt_drafts" drop column "aspect_ratio", drop column "seed", drop column "image_count", drop column "negative_prompt_redacted";`);

    this.addSql(`alter table "users" drop column "image_provider";`);
  }

}
