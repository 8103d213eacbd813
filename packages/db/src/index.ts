import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.ts';

export * from './generated/prisma/client.ts';
export { applyMigrations } from './migrate.ts';

/** Creates a Prisma client over node-postgres for the given database. */
export function createDb(connectionString: string, options: { maxConnections?: number } = {}): PrismaClient {
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString, max: options.maxConnections ?? 10 }),
  });
}

export type Db = PrismaClient;
