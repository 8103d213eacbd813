import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const schemaPath = fileURLToPath(new URL('../../../prisma/schema.prisma', import.meta.url));
const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const legacyCli = createRequire(import.meta.url).resolve('prisma-legacy/build/index.js');

/** Reads the Prisma schema as committed at the top of the repository. */
export function readSchema(): Promise<string> {
  return readFile(schemaPath, 'utf8');
}

/**
 * Computes the SQL that turns the `from` schema (or an empty database) into `to`.
 * Prisma 6's WebAssembly schema engine does this offline; it needs a reachable PostgreSQL
 * (`databaseUrl`) for its driver adapter but changes nothing there.
 */
export async function diffSchemas(options: { from: string | 'empty'; to: string; databaseUrl: string }): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'schema-diff-'));
  try {
    const toPath = join(directory, 'to.prisma');
    await writeFile(toPath, withLegacyDatasource(options.to));
    const fromArgs = ['--from-empty'];
    if (options.from !== 'empty') {
      const fromPath = join(directory, 'from.prisma');
      await writeFile(fromPath, withLegacyDatasource(options.from));
      fromArgs.splice(0, 1, '--from-schema-datamodel', fromPath);
    }
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [legacyCli, 'migrate', 'diff', '--config', 'prisma-legacy.config.ts', ...fromArgs, '--to-schema-datamodel', toPath, '--script'],
      {
        cwd: packageRoot,
        maxBuffer: 64 * 1024 * 1024,
        env: {
          ...process.env,
          DIFF_DATABASE_URL: options.databaseUrl,
          // The legacy CLI looks for a native query engine it never uses here; any existing
          // file stops it from trying to download one.
          PRISMA_QUERY_ENGINE_LIBRARY: process.execPath,
          PRISMA_HIDE_UPDATE_MESSAGE: '1',
        },
      },
    );
    return stdout;
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

// Prisma 7 takes the URL from its config; Prisma 6 insists on one in the datasource block.
function withLegacyDatasource(schema: string): string {
  return schema.replace(/provider\s*=\s*"postgresql"/, (match) => `${match}\n  url = env("DIFF_DATABASE_URL")`);
}
