/**
 * Procedure documents carry a `showOnly` flag (issue 14): the ones the law only asks to see (the official list says
 * "(xuất trình)") may be marked shown, not kept at receipt. Definitions stored before the flag get it here, from the
 * same rule the catalogue's validation enforces (the name ends in "(xuất trình)"); every other stored document is
 * left without it, so nothing of it can be marked shown until a new version of the procedure says so.
 */
import type { Knex } from 'knex';

/** frozen copy of machines/procedures/schema.ts wordedAsShowOnly at the time of this migration */
function wordedAsShowOnly(name: string): boolean {
  return /\(xuất trình\)\.?$/i.test(name.trim());
}

type Doc = { name?: unknown; showOnly?: unknown } & Record<string, unknown>;

export async function up(knex: Knex): Promise<void> {
  const rows: { code: string; version: number; definition: string }[] = await knex('procedures').select('code', 'version', 'definition');
  for (const r of rows) {
    const def = JSON.parse(String(r.definition)) as { requiredDocuments?: Doc[] };
    if (!Array.isArray(def.requiredDocuments)) continue;
    const flag = (d: Doc) => typeof d.showOnly !== 'boolean' && typeof d.name === 'string' && wordedAsShowOnly(d.name);
    if (!def.requiredDocuments.some(flag)) continue;
    def.requiredDocuments = def.requiredDocuments.map((d) => (flag(d) ? { ...d, showOnly: true } : d));
    await knex('procedures')
      .where({ code: r.code, version: r.version })
      .update({ definition: JSON.stringify(def) });
  }
}

/** Older code reads a stored definition as it is and never looks at the flag: nothing to undo. */
export async function down(): Promise<void> {}
