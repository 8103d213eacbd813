// Configuration for the Prisma 6 CLI, used only to compute migration SQL offline: its
// WebAssembly schema engine needs no download (Prisma 7's CLI needs a native engine).
import { PrismaPg } from '@prisma/adapter-pg';
import { defineConfig } from 'prisma-legacy/config';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: '../../prisma/schema.prisma',
  adapter: async () =>
    new PrismaPg({ connectionString: process.env['DIFF_DATABASE_URL'] ?? 'postgresql://127.0.0.1:5432/postgres' }),
});
