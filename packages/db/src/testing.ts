import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { applyMigrations } from './migrate.ts';

/** The server tests create their throwaway databases on: the machine's own PostgreSQL by default. */
export const testServerUrl = process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export type TestDatabase = { url: string; name: string; drop: () => Promise<void> };

/** Creates an empty, uniquely named database (migrated unless `migrate: false`) for one test file. */
export async function createTestDatabase(options: { migrate?: boolean; prefix?: string } = {}): Promise<TestDatabase> {
  const name = `${options.prefix ?? 'test'}_${randomBytes(6).toString('hex')}`;
  await runOnServer(`CREATE DATABASE "${name}"`);
  const url = databaseUrl(name);
  if (options.migrate !== false) await applyMigrations(url);
  return { url, name, drop: () => runOnServer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

function databaseUrl(name: string): string {
  const url = new URL(testServerUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function runOnServer(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: testServerUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
