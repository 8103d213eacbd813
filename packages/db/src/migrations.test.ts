import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { applyMigrations, readMigrations } from './migrate.ts';
import { diffSchemas, readSchema } from './schema-diff.ts';
import { createTestDatabase, testServerUrl, type TestDatabase } from './testing.ts';

// Everything about the public schema that a migration can get wrong, in a stable order.
const CATALOG_QUERIES = {
  columns: `SELECT table_name, column_name, data_type, udt_name, character_maximum_length, numeric_precision,
                   is_nullable, column_default
              FROM information_schema.columns
             WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
             ORDER BY table_name, column_name`,
  indexes: `SELECT tablename, indexname, indexdef FROM pg_indexes
             WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'
             ORDER BY tablename, indexname`,
  constraints: `SELECT rel.relname AS table_name, con.conname, con.contype, pg_get_constraintdef(con.oid) AS definition
                  FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid
                  JOIN pg_namespace ns ON ns.oid = rel.relnamespace
                 WHERE ns.nspname = 'public' AND rel.relname <> '_prisma_migrations'
                 ORDER BY rel.relname, con.conname`,
  enums: `SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder) AS labels
            FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname ORDER BY t.typname`,
};

/** Indexes Prisma's schema language cannot express (partial ones), written into migrations by hand. */
const HAND_WRITTEN_INDEXES = [
  {
    tablename: 'data_export',
    indexname: 'data_export_one_active_per_org',
    indexdef: `CREATE UNIQUE INDEX data_export_one_active_per_org ON public.data_export USING btree (org_id) WHERE (status = ANY (ARRAY['PENDING'::"ExportStatus", 'RUNNING'::"ExportStatus"]))`,
  },
];

async function readCatalog(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const catalog: Record<string, unknown[]> = {};
    for (const [name, sql] of Object.entries(CATALOG_QUERIES)) catalog[name] = (await client.query(sql)).rows;
    return catalog;
  } finally {
    await client.end();
  }
}

const databases: TestDatabase[] = [];
afterAll(async () => {
  await Promise.all(databases.map((database) => database.drop()));
});

describe('migrations', () => {
  it('produce exactly the database the Prisma schema describes', async () => {
    const migrated = await createTestDatabase({ prefix: 'migrated' });
    const fromSchema = await createTestDatabase({ prefix: 'fromschema', migrate: false });
    databases.push(migrated, fromSchema);

    const sql = await diffSchemas({ from: 'empty', to: await readSchema(), databaseUrl: testServerUrl });
    const client = new pg.Client({ connectionString: fromSchema.url });
    await client.connect();
    await client.query(sql);
    await client.end();

    const expected = await readCatalog(fromSchema.url);
    const actual = await readCatalog(migrated.url);
    // The hand-written indexes are there, exactly as listed; the rest must match the schema.
    expect(actual['indexes']).toEqual(expect.arrayContaining(HAND_WRITTEN_INDEXES));
    actual['indexes'] = (actual['indexes'] ?? []).filter((index) => !HAND_WRITTEN_INDEXES.some((hand) => hand.indexname === (index as { indexname: string }).indexname));
    // Sanity: the comparison is over something real.
    expect((expected['columns'] ?? []).length).toBeGreaterThan(50);
    expect(actual).toEqual(expected);
  }, 120_000);

  it('apply once, record themselves as Prisma does, and are a no-op the second time', async () => {
    const database = await createTestDatabase({ prefix: 'twice', migrate: false });
    databases.push(database);
    const names = (await readMigrations()).map((migration) => migration.name);

    expect(await applyMigrations(database.url)).toEqual(names);
    expect(await applyMigrations(database.url)).toEqual([]);

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query(
      'SELECT migration_name, finished_at IS NOT NULL AS finished, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
    );
    await client.end();
    expect(rows).toEqual(names.map((name) => ({ migration_name: name, finished: true, applied_steps_count: 1 })));
  });

  it('refuses to run when an applied migration was edited afterwards', async () => {
    const database = await createTestDatabase({ prefix: 'edited' });
    databases.push(database);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query(`UPDATE "_prisma_migrations" SET checksum = repeat('0', 64)`);
    await client.end();

    await expect(applyMigrations(database.url)).rejects.toThrow(/was edited after it was applied/);
  });
});
