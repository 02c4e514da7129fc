import { Migration } from '@mikro-orm/migrations';

export class Migration20261203152840_generation_source_media extends Migration {

  override name = 'Migration20261203152840_generation_source_media';

  override up(): void | Promise<void> {
    this.addSql(`alter table "generations" add "source_media_id" varchar(36) null;`);
    this.addSql(`alter table "generations" add constraint "generations_source_media_id_foreign" foreign key ("source_media_id") references "media_assets" ("id") on delete set null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "generations" drop constraint "generations_source_media_id_foreign";`);

    this.addSql(`alter table "generations" drop column "source_media_id";`);
  }

}
