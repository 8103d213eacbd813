// `pnpm db:migrate`: applies pending migrations to DATABASE_URL.
import { applyMigrations } from './migrate.ts';

const url = process.env['DATABASE_URL'];
if (!url) {
  console.error('DATABASE_URL is not set. Example: DATABASE_URL=postgresql://postgres@127.0.0.1:5432/orgexport pnpm db:migrate');
  process.exit(1);
}
try {
  const applied = await applyMigrations(url, { log: (message) => console.log(message) });
  console.log(applied.length === 0 ? 'database is up to date' : `applied ${applied.length} migration(s)`);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
