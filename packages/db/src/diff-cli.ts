// `pnpm db:diff NAME [--from GIT_REF]`: writes prisma/migrations/<stamp>_NAME/migration.sql with
// the SQL from the schema at GIT_REF (default HEAD; "empty" for none) to the working schema.
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { migrationsDirectory } from './migrate.ts';
import { diffSchemas, readSchema } from './schema-diff.ts';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { from: { type: 'string', default: 'HEAD' } } });
const name = positionals[0];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: pnpm db:diff NAME [--from GIT_REF|empty]   (NAME: lower-case letters, digits, _)');
  process.exit(2);
}
const from = values.from === 'empty' ? 'empty' : execFileSync('git', ['show', `${values.from}:prisma/schema.prisma`], { encoding: 'utf8' });
const sql = await diffSchemas({
  from,
  to: await readSchema(),
  databaseUrl: process.env['DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
});
if (sql.trim() === '' || sql.includes('This is an empty migration')) {
  console.log('the schema has not changed; no migration written');
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
const directory = `${migrationsDirectory}/${stamp}_${name}`;
await mkdir(directory, { recursive: true });
await writeFile(`${directory}/migration.sql`, sql);
console.log(`wrote ${directory}/migration.sql`);
