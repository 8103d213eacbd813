// The HTTP server: GraphQL at /graphql, health at /healthz, readiness at /readyz, signed
// downloads of local storage at /files/, and the portal's static files everywhere else.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { type Server, type ServerResponse, createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import type { Db } from '@org-export/db';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import type { ExecutionResult } from 'graphql';
import { type Plugin, createYoga } from 'graphql-yoga';
import type { Logger } from 'pino';
import { resolveViewer } from './auth/credentials.ts';
import { type Context, createContext } from './context.ts';
import type { Jobs } from './jobs.ts';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { AppError } from './errors.ts';
import type { Platform } from '@org-export/storage';
import { schema } from './schema/index.ts';
import { openLocalObject } from '@org-export/storage';

export type ApiOptions = { db: Db; logger: Logger; platform: Platform; jobs: Jobs; portalDir?: string | undefined };

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

/**
 * Limits that keep one query from exhausting the server. The deepest legitimate query (the
 * portal's export history with its requester's memberships) is 6 levels deep.
 */
const ARMOR = {
  maxDepth: { n: 8 },
  maxAliases: { n: 15 },
  maxDirectives: { n: 20 },
  maxTokens: { n: 2000 },
  costLimit: { maxCost: 5000 },
  blockFieldSuggestion: { enabled: false },
};

const ARMOR_MESSAGE = /^(?:Syntax Error: )?(Query depth limit|Aliases limit|Directives limit|Token limit|Query Cost limit)/i;

/** graphql-armor's rejections get our stable code and a 400. */
function armorCodes(): Plugin {
  const relabel = (result: ExecutionResult): ExecutionResult => {
    if (!result.errors?.some((error) => ARMOR_MESSAGE.test(error.message))) return result;
    return {
      ...result,
      errors: result.errors.map((error) => (ARMOR_MESSAGE.test(error.message) ? new AppError('QUERY_TOO_COMPLEX', error.message.replace(/^Syntax Error: /, '')) : error)),
    };
  };
  return {
    onResultProcess: ({ result, setResult }) => {
      if (!Array.isArray(result) && 'errors' in result) setResult(relabel(result as ExecutionResult));
    },
  };
}

/** Set-Cookie headers resolvers asked for, added to the response of their request. */
const pendingCookies = new WeakMap<Request, string[]>();
function cookies(): Plugin {
  return {
    onResponse: ({ request, response }) => {
      for (const cookie of pendingCookies.get(request) ?? []) response.headers.append('set-cookie', cookie);
    },
  };
}

export function createApi({ db, logger, platform, jobs, portalDir }: ApiOptions): { server: Server; yoga: ReturnType<typeof createYoga<object, Context>>; close: () => Promise<void> } {
  const yoga = createYoga<object, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    plugins: [EnvelopArmorPlugin(ARMOR), armorCodes(), cookies()],
    logging: { debug: (...args) => logger.debug(args), info: (...args) => logger.info(args), warn: (...args) => logger.warn(args), error: (...args) => logger.error(args) },
    context: async ({ request }) => {
      const viewer = await resolveViewer(db, request.headers);
      return createContext(db, platform, jobs, request, viewer, (cookie) => {
        const list = pendingCookies.get(request) ?? [];
        list.push(cookie);
        pendingCookies.set(request, list);
      });
    },
  });

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/graphql') return void yoga(req, res);
    if (url.pathname === '/healthz') return json(res, 200, { status: 'ok' });
    if (url.pathname === '/readyz') return void ready(db).then((state) => json(res, state.ready ? 200 : 503, state));
    if (url.pathname.startsWith('/files/') && req.method === 'GET') return void serveLocalFile(platform, url, res);
    if (portalDir && (req.method === 'GET' || req.method === 'HEAD')) return void serveStatic(portalDir, url.pathname, res);
    json(res, 404, { error: 'not found' });
  });

  // Subscriptions over graphql-ws on the same path, through yoga's envelope so sockets share
  // the schema, authorization and error masking with HTTP. Credentials come from the upgrade
  // request's cookie or from connectionParams.authorization ("Bearer <token>").
  const sockets = new WebSocketServer({ server, path: '/graphql' });
  useServer(
    {
      execute: (args) => (args.rootValue as { execute: (a: unknown) => unknown }).execute(args) as never,
      subscribe: (args) => (args.rootValue as { subscribe: (a: unknown) => unknown }).subscribe(args) as never,
      onSubscribe: async (ctx, _id, params) => {
        const headers = new Headers();
        const cookie = ctx.extra.request.headers.cookie;
        if (cookie) headers.set('cookie', cookie);
        const authorization = (ctx.connectionParams as { authorization?: unknown } | undefined)?.authorization;
        if (typeof authorization === 'string') headers.set('authorization', authorization);
        const request = new Request('http://localhost/graphql', { method: 'POST', headers });
        const { schema: enveloped, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({ request, params });
        let viewer;
        try {
          viewer = await resolveViewer(db, headers);
        } catch (error) {
          // A bad or revoked token is answered as over HTTP: UNAUTHENTICATED, with the reason.
          if (error instanceof AppError) return [error];
          throw error;
        }
        const document = parse(params.query);
        const errors = validate(enveloped, document);
        if (errors.length > 0) return errors;
        const contextValue = { ...(await contextFactory()), ...createContext(db, platform, jobs, request, viewer, () => {}) };
        return { schema: enveloped, operationName: params.operationName, document, variableValues: params.variables, contextValue, rootValue: { execute, subscribe } };
      },
    },
    sockets,
  );

  return {
    server,
    yoga,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of sockets.clients) client.terminate();
        sockets.close();
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

/** A download link the API signed for local storage: refused when expired or altered. */
async function serveLocalFile(platform: Platform, url: URL, res: ServerResponse): Promise<void> {
  const key = url.pathname.slice('/files/'.length).split('/').map(decodeURIComponent).join('/');
  const expires = Number(url.searchParams.get('expires'));
  const name = url.searchParams.get('name') ?? '';
  const verdict = platform.storageDir ? platform.verifyLocalUrl(key, expires, name, url.searchParams.get('signature') ?? '') : 'invalid';
  if (verdict === 'expired') return json(res, 403, { error: 'This download link has expired. Ask for a new one.' });
  if (verdict !== 'ok' || !platform.storageDir) return json(res, 403, { error: 'This download link is not valid.' });
  try {
    const { stream, size } = await openLocalObject(platform.storageDir, key);
    res.writeHead(200, {
      'content-type': 'application/gzip',
      'content-length': size,
      'content-disposition': `attachment; filename="${name.replace(/["\\\r\n]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`,
      'cache-control': 'private, no-store',
    });
    stream.pipe(res);
  } catch {
    json(res, 404, { error: 'The file is no longer in storage.' });
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
