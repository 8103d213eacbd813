// In-process API for tests: a fresh migrated database, the real schema through yoga.fetch, and
// builders that make unique orgs, accounts and tokens.
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Db, type OrgRole, createDb } from '@org-export/db';
import { type TestDatabase, createTestDatabase } from '@org-export/db/testing';
import { pino } from 'pino';
import { type Platform, createPlatform } from '@org-export/storage';
import { type Jobs, createJobs } from './jobs.ts';
import { createApi } from './server.ts';
import { addMember, createAccount, createOrg, createToken } from './services/accounts.ts';

export type GraphQLResult<T = Record<string, unknown>> = {
  status: number;
  headers: Headers;
  data: T | null | undefined;
  errors: { message: string; path?: string[]; extensions?: { code?: string; field?: string; [key: string]: unknown } }[] | undefined;
};

export type Caller = { token?: string; cookie?: string };

export type TestAccount = { id: string; email: string; password: string; token: string };

export type TestApi = {
  db: Db;
  jobs: Jobs;
  databaseUrl: string;
  /** The API's HTTP server, listening on a free port once `listen()` was called. */
  listen: () => Promise<string>;
  platform: Platform;
  /** The platform key in base64, for API and worker processes started on the same database. */
  platformKey: string;
  storageDir: string;
  url: string;
  execute: <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, as?: Caller) => Promise<GraphQLResult<T>>;
  org: (slug?: string) => Promise<{ id: string; slug: string }>;
  account: (options?: { platformAdmin?: boolean; roles?: [orgSlug: string, role: OrgRole][] }) => Promise<TestAccount>;
  enableDataExport: (orgId: string, enabled?: boolean) => Promise<void>;
  close: () => Promise<void>;
};

let counter = 0;
export const unique = (prefix: string) => `${prefix}-${process.pid}-${++counter}-${randomBytes(2).toString('hex')}`;

export async function createTestApi(): Promise<TestApi> {
  const database: TestDatabase = await createTestDatabase({ prefix: 'api' });
  const db = createDb(database.url, { maxConnections: 5 });
  const storageDir = await mkdtemp(join(tmpdir(), 'org-export-storage-'));
  await chmod(storageDir, 0o755);
  const platformKey = randomBytes(32);
  const platform = createPlatform({ platformKey, storageDir, publicUrl: 'http://127.0.0.1:1', secureCookies: false });
  const logger = pino({ level: 'silent' });
  const jobs = await createJobs(database.url, logger);
  const api = createApi({ db, logger, platform, jobs });

  const execute: TestApi['execute'] = async (query, variables = {}, as = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (as.token) headers['authorization'] = `Bearer ${as.token}`;
    if (as.cookie) headers['cookie'] = as.cookie;
    const response = await api.yoga.fetch('http://127.0.0.1/graphql', { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as { data?: never; errors?: GraphQLResult['errors'] };
    return { status: response.status, headers: response.headers, data: body.data, errors: body.errors };
  };

  return {
    db,
    jobs,
    databaseUrl: database.url,
    async listen() {
      await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
      const address = api.server.address();
      return `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    },
    platform,
    platformKey: platformKey.toString('base64'),
    storageDir,
    url: 'http://127.0.0.1',
    execute,
    async org(slug = unique('org')) {
      const org = await createOrg(db, slug, `Org ${slug}`);
      return { id: org.id, slug: org.slug };
    },
    async account(options = {}) {
      const email = `${unique('person')}@example.org`;
      const password = `pw-${randomBytes(6).toString('hex')}`;
      const account = await createAccount(db, { email, password, platformAdmin: options.platformAdmin ?? false });
      for (const [orgSlug, role] of options.roles ?? []) await addMember(db, orgSlug, email, role);
      const { token } = await createToken(db, email, 'tests');
      return { id: account.id, email, password, token };
    },
    async enableDataExport(orgId, enabled = true) {
      await db.orgModule.upsert({ where: { orgId_module: { orgId, module: 'DATA_EXPORT' } }, create: { orgId, module: 'DATA_EXPORT', enabled }, update: { enabled } });
    },
    async close() {
      await api.close();
      await jobs.close();
      await db.$disconnect();
      await database.drop();
      await rm(storageDir, { recursive: true, force: true });
    },
  };
}
