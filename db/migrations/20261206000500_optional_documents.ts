/**
 * Procedure documents carry an `optional` flag (issue 13): the ones the official list marks "(nếu có)" are
 * brought only when they apply. Definitions stored before the flag existed get it here, from the same rule the
 * catalogue's validation enforces (every "; "-separated part of the name ends in "(nếu có)"), so the counter's
 * "Đã nhận đủ" reads the flag for old versions too. Only documents without the flag are touched.
 */
import type { Knex } from 'knex';

/** frozen copy of machines/procedures/schema.ts wordedAsOptional at the time of this migration */
function wordedAsOptional(name: string): boolean {
  const parts = name
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean);
  return parts.length > 0 && parts.every((p) => /\(nếu có\)\.?$/i.test(p));
}

type Doc = { name?: unknown; optional?: unknown } & Record<string, unknown>;

export async function up(knex: Knex): Promise<void> {
  const rows: { code: string; version: number; definition: string }[] = await knex('procedures').select('code', 'version', 'definition');
  for (const r of rows) {
    const def = JSON.parse(String(r.definition)) as { requiredDocuments?: Doc[] };
    if (!Array.isArray(def.requiredDocuments) || def.requiredDocuments.every((d) => typeof d.optional === 'boolean')) continue;
    def.requiredDocuments = def.requiredDocuments.map((d) =>
      typeof d.optional === 'boolean' ? d : { ...d, optional: typeof d.name === 'string' && wordedAsOptional(d.name) },
    );
    await knex('procedures')
      .where({ code: r.code, version: r.version })
      .update({ definition: JSON.stringify(def) });
  }
}

/** The flag is harmless to older code (it reads the wording): nothing to undo. */
export async function down(): Promise<void> {}
