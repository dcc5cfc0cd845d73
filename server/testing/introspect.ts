import Database from "better-sqlite3";
import pg from "pg";

// A provider-neutral description of a database's structure (tables, columns, keys, indexes),
// to check that the SQLite and PostgreSQL schemas agree.

export type Structure = Record<string, { columns: string[]; primaryKey: string; indexes: string[]; foreignKeys: string[] }>;

const IGNORED = new Set(["_console_migrations"]);

const SQLITE_TYPES: Record<string, string> = {
  TEXT: "text",
  INTEGER: "int",
  BOOLEAN: "bool",
  DATETIME: "timestamp",
  REAL: "float",
  BIGINT: "bigint",
  DECIMAL: "decimal",
  BLOB: "bytes",
  JSONB: "json",
};
const PG_TYPES: Record<string, string> = {
  text: "text",
  integer: "int",
  boolean: "bool",
  "timestamp without time zone": "timestamp",
  "double precision": "float",
  bigint: "bigint",
  numeric: "decimal",
  bytea: "bytes",
  jsonb: "json",
};
const PG_ON_DELETE: Record<string, string> = { a: "NO ACTION", r: "RESTRICT", c: "CASCADE", n: "SET NULL", d: "SET DEFAULT" };

function sorted(s: Structure): Structure {
  const out: Structure = {};
  for (const t of Object.keys(s).sort()) {
    const v = s[t]!;
    out[t] = { columns: [...v.columns].sort(), primaryKey: v.primaryKey, indexes: [...v.indexes].sort(), foreignKeys: [...v.foreignKeys].sort() };
  }
  return out;
}

export function introspectSqlite(file: string): Structure {
  const c = new Database(file, { readonly: true });
  try {
    const tables = (c.prepare(`SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'`).all() as { name: string }[])
      .map((r) => r.name)
      .filter((n) => !IGNORED.has(n));
    const s: Structure = {};
    for (const t of tables) {
      const cols = c.pragma(`table_info("${t}")`) as { name: string; type: string; notnull: number; pk: number }[];
      const idx = (c.pragma(`index_list("${t}")`) as { name: string; unique: number; origin: string }[]).filter((i) => i.origin !== "pk");
      const fks = c.pragma(`foreign_key_list("${t}")`) as { table: string; from: string; to: string; on_delete: string }[];
      s[t] = {
        columns: cols.map((col) => `${col.name}:${SQLITE_TYPES[col.type.toUpperCase()] ?? col.type}:${col.notnull || col.pk ? "required" : "nullable"}`),
        primaryKey: cols
          .filter((col) => col.pk > 0)
          .sort((a, b) => a.pk - b.pk)
          .map((col) => col.name)
          .join(","),
        indexes: idx.map((i) => {
          const on = (c.pragma(`index_info("${i.name}")`) as { name: string }[]).map((x) => x.name).join(",");
          return `${i.unique ? "unique" : "index"}(${on})`;
        }),
        foreignKeys: fks.map((f) => `${f.from}->${f.table}.${f.to} ON DELETE ${f.on_delete}`),
      };
    }
    return sorted(s);
  } finally {
    c.close();
  }
}

export async function introspectPostgres(url: string): Promise<Structure> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const cols = await c.query<{ table_name: string; column_name: string; data_type: string; is_nullable: string }>(
      `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = 'public'`,
    );
    const idx = await c.query<{ table: string; unique: boolean; primary: boolean; columns: string[] }>(`
      SELECT t.relname AS "table", ix.indisunique AS "unique", ix.indisprimary AS "primary",
             array_agg(a.attname::text ORDER BY k.ord) AS columns
      FROM pg_index ix
      JOIN pg_class i ON i.oid = ix.indexrelid
      JOIN pg_class t ON t.oid = ix.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
      JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
      WHERE n.nspname = 'public'
      GROUP BY t.relname, i.relname, ix.indisunique, ix.indisprimary`);
    const fks = await c.query<{ table: string; from: string; ref: string; to: string; del: string }>(`
      SELECT cl.relname AS "table", a.attname AS "from", rf.relname AS ref, af.attname AS "to", c.confdeltype AS del
      FROM pg_constraint c
      JOIN pg_class cl ON cl.oid = c.conrelid
      JOIN pg_class rf ON rf.oid = c.confrelid
      JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord) ON true
      JOIN LATERAL unnest(c.confkey) WITH ORDINALITY AS fk(attnum, ord) ON fk.ord = k.ord
      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
      JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = fk.attnum
      WHERE c.contype = 'f'`);
    const s: Structure = {};
    const table = (t: string) => (s[t] ??= { columns: [], primaryKey: "", indexes: [], foreignKeys: [] });
    for (const r of cols.rows) {
      if (IGNORED.has(r.table_name)) continue;
      table(r.table_name).columns.push(`${r.column_name}:${PG_TYPES[r.data_type] ?? r.data_type}:${r.is_nullable === "NO" ? "required" : "nullable"}`);
    }
    for (const r of idx.rows) {
      if (IGNORED.has(r.table)) continue;
      if (r.primary) table(r.table).primaryKey = r.columns.join(",");
      else table(r.table).indexes.push(`${r.unique ? "unique" : "index"}(${r.columns.join(",")})`);
    }
    for (const r of fks.rows) table(r.table).foreignKeys.push(`${r.from}->${r.ref}.${r.to} ON DELETE ${PG_ON_DELETE[r.del]}`);
    return sorted(s);
  } finally {
    await c.end();
  }
}
