// The HTTP server: GraphQL at /graphql, health at /healthz, readiness at /readyz, and the
// portal's static files everywhere else.
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import type { Db } from '@org-export/db';
import { createYoga } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { Context } from './builder.ts';
import { buildSchema } from './schema.ts';

export type ApiOptions = { db: Db; logger: Logger; portalDir?: string | undefined };

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

export function createApi({ db, logger, portalDir }: ApiOptions): { server: Server; close: () => Promise<void> } {
  const yoga = createYoga<{ req: IncomingMessage; res: ServerResponse }, Context>({
    schema: buildSchema(db),
    graphqlEndpoint: '/graphql',
    logging: { debug: (...args) => logger.debug(args), info: (...args) => logger.info(args), warn: (...args) => logger.warn(args), error: (...args) => logger.error(args) },
    context: () => ({ db, requestId: randomUUID() }),
    landingPage: false,
  });

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/graphql') return void yoga(req, res);
    if (path === '/healthz') return json(res, 200, { status: 'ok' });
    if (path === '/readyz') return void ready(db).then((state) => json(res, state.ready ? 200 : 503, state));
    if (portalDir && (req.method === 'GET' || req.method === 'HEAD')) return void serveStatic(portalDir, path, res);
    json(res, 404, { error: 'not found' });
  });

  return {
    server,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** Ready when PostgreSQL answers and every migration has been applied. */
async function ready(db: Db): Promise<{ ready: boolean; database: string }> {
  try {
    const rows = await db.$queryRaw<{ pending: bigint }[]>`
      SELECT count(*) FILTER (WHERE finished_at IS NULL OR rolled_back_at IS NOT NULL) AS pending FROM _prisma_migrations`;
    return rows[0]?.pending === 0n ? { ready: true, database: 'ok' } : { ready: false, database: 'migrations not applied' };
  } catch (error) {
    return { ready: false, database: `unreachable: ${(error as Error).message.split('\n')[0]}` };
  }
}

/** Serves a file of the built portal; unknown paths get index.html, for client-side routes. */
async function serveStatic(root: string, path: string, res: ServerResponse): Promise<void> {
  const relative = normalize(decodeURIComponent(path)).replace(/^([/\\])+/, '');
  let file = join(root, relative);
  if (!file.startsWith(root + sep) && file !== root) return json(res, 404, { error: 'not found' });
  let info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) {
    file = join(root, 'index.html');
    info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return json(res, 404, { error: 'the portal is not built' });
  }
  const immutable = file.includes(`${sep}assets${sep}`);
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': info.size,
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  createReadStream(file).pipe(res);
}
