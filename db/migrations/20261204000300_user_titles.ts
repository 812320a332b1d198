/**
 * A user's title (chức danh), printed under the full name wherever the user signs or is named on a
 * form or report ("Trưởng phòng Kinh tế", "Phó Chủ tịch Ủy ban nhân dân xã"). Existing accounts get an
 * empty title until an administrator sets it (PATCH /api/users/{username}).
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.string('title', 200).notNullable().defaultTo('');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('title');
  });
}
