// The one Pothos schema builder. Types and fields are added in the modules under schema/.
import SchemaBuilder from '@pothos/core';
import PrismaPlugin from '@pothos/plugin-prisma';
import type { Db } from '@org-export/db';
import type PrismaTypes from '@org-export/db/pothos-types';
import { getDatamodel } from '@org-export/db/pothos-types';

export type Context = { db: Db; requestId: string };

export function createBuilder(db: Db) {
  return new SchemaBuilder<{ Context: Context; PrismaTypes: PrismaTypes; DefaultFieldNullability: false }>({
    plugins: [PrismaPlugin],
    defaultFieldNullability: false,
    prisma: { client: db, dmmf: getDatamodel(), filterConnectionTotalCount: true, onUnusedQuery: process.env['NODE_ENV'] === 'production' ? null : 'warn' },
  });
}

export type Builder = ReturnType<typeof createBuilder>;
