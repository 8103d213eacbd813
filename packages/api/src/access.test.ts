// Every query and mutation, as each kind of caller: who may, and what everyone else hears.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, type TestAccount, createTestApi, unique } from './testkit.ts';

const ACTORS = ['platformAdmin', 'ORG_ADMIN', 'REGIONAL_ADMIN', 'CHAPTER_OFFICER', 'MEMBER', 'otherOrgAdmin', 'anonymous'] as const;
type Actor = (typeof ACTORS)[number];

type World = { orgId: string; orgSlug: string; exportId: string; accounts: Record<Exclude<Actor, 'anonymous'>, TestAccount> };

type Operation = {
  name: string;
  query: string;
  variables?: (world: World, actor: Actor) => Record<string, unknown> | Promise<Record<string, unknown>>;
  /** Who gets data. Everyone else is refused: UNAUTHENTICATED without credentials, FORBIDDEN otherwise. */
  allowed: readonly Actor[];
  /** For operations anyone may call. */
  public?: boolean;
};

const SIGNED_IN = ACTORS.filter((actor) => actor !== 'anonymous');
const PLATFORM = ['platformAdmin'] as const;
const ORG_ADMIN = ['ORG_ADMIN'] as const;

const operations: Operation[] = [
  { name: 'query version', query: '{ version { version } }', allowed: ACTORS, public: true },
  { name: 'query viewer', query: '{ viewer { id email isPlatformAdmin memberships { role org { id } } } }', allowed: SIGNED_IN },
  { name: 'query orgs', query: '{ orgs { id slug } }', allowed: PLATFORM },
  { name: 'query org', query: 'query($id: ID!) { org(id: $id) { id slug modules { module enabled } exportSchedule } }', variables: (w) => ({ id: w.orgId }), allowed: ['platformAdmin', 'ORG_ADMIN', 'REGIONAL_ADMIN', 'CHAPTER_OFFICER', 'MEMBER'] },
  { name: 'query org storage', query: 'query($id: ID!) { org(id: $id) { storage { kind verifiedAt } } }', variables: (w) => ({ id: w.orgId }), allowed: ['platformAdmin', 'ORG_ADMIN'] },
  { name: 'query org members', query: 'query($id: ID!) { org(id: $id) { members { role account { email } } } }', variables: (w) => ({ id: w.orgId }), allowed: ['platformAdmin', 'ORG_ADMIN'] },
  { name: 'query platformSettings', query: '{ platformSettings { compressionLevel partSizeBytes downloadUrlTtlSeconds } }', allowed: PLATFORM },
  { name: 'query auditLog (platform)', query: '{ auditLog(first: 5) { edges { node { action } } } }', allowed: PLATFORM },
  { name: 'query auditLog (org)', query: 'query($orgId: ID!) { auditLog(orgId: $orgId, first: 5) { edges { node { action } } } }', variables: (w) => ({ orgId: w.orgId }), allowed: ['platformAdmin', 'ORG_ADMIN'] },
  { name: 'query exportHistory', query: 'query($orgId: ID!) { exportHistory(orgId: $orgId, first: 5) { edges { node { id status } } } }', variables: (w) => ({ orgId: w.orgId }), allowed: ORG_ADMIN },
  { name: 'query export', query: 'query($id: ID!) { export(id: $id) { id status progress { done } } }', variables: (w) => ({ id: w.exportId }), allowed: ORG_ADMIN },
  {
    name: 'mutation triggerExport',
    query: 'mutation($orgId: ID!) { triggerExport(orgId: $orgId) { id status } }',
    variables: async (w) => {
      await endActiveExports(w.orgId);
      return { orgId: w.orgId };
    },
    allowed: ORG_ADMIN,
  },
  {
    name: 'mutation cancelExport',
    query: 'mutation($id: ID!) { cancelExport(exportId: $id) { status } }',
    variables: async (w) => {
      await endActiveExports(w.orgId);
      const record = await api.db.dataExport.create({ data: { orgId: w.orgId, trigger: 'MANUAL', status: 'PENDING' } });
      return { id: record.id };
    },
    allowed: ORG_ADMIN,
  },
  { name: 'query downloadUrl', query: 'query($id: ID!) { downloadUrl(exportId: $id) { url expiresAt fileName } }', variables: (w) => ({ id: w.exportId }), allowed: ORG_ADMIN },
  { name: 'mutation createOrg', query: 'mutation($slug: String!) { createOrg(slug: $slug, name: "New") { id } }', variables: () => ({ slug: unique('new') }), allowed: PLATFORM },
  { name: 'mutation addMember', query: 'mutation($orgId: ID!, $email: String!) { addMember(orgId: $orgId, email: $email, role: MEMBER) { role } }', variables: (w) => ({ orgId: w.orgId, email: w.accounts.MEMBER.email }), allowed: PLATFORM },
  { name: 'mutation setModuleEnabled', query: 'mutation($orgId: ID!) { setModuleEnabled(orgId: $orgId, module: DATA_EXPORT, enabled: true) { id } }', variables: (w) => ({ orgId: w.orgId }), allowed: PLATFORM },
  { name: 'mutation setExportSchedule', query: 'mutation($orgId: ID!) { setExportSchedule(orgId: $orgId, preset: WEEKLY) { exportSchedule } }', variables: (w) => ({ orgId: w.orgId }), allowed: PLATFORM },
  { name: 'mutation updatePlatformSettings', query: 'mutation { updatePlatformSettings(input: { compressionLevel: 6 }) { compressionLevel } }', allowed: PLATFORM },
  { name: 'mutation configureStorage', query: 'mutation($orgId: ID!) { configureStorage(orgId: $orgId, input: { kind: LOCAL }) { kind } }', variables: (w) => ({ orgId: w.orgId }), allowed: ORG_ADMIN },
  { name: 'mutation testStorageConnection', query: 'mutation($orgId: ID!) { testStorageConnection(orgId: $orgId) { ok } }', variables: (w) => ({ orgId: w.orgId }), allowed: ORG_ADMIN },
  { name: 'mutation createApiToken', query: 'mutation { createApiToken(name: "script") { token apiToken { id } } }', allowed: SIGNED_IN },
  {
    name: 'mutation revokeApiToken',
    query: 'mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }',
    variables: async (w, actor) => {
      // Each caller revokes a token of its own (anonymous names someone else's).
      const owner = actor === 'anonymous' ? w.accounts.MEMBER : w.accounts[actor];
      const row = await api.db.apiToken.create({ data: { accountId: owner.id, name: 'to revoke', tokenHash: new Uint8Array(Buffer.from(unique('hash'))) } });
      return { id: row.id };
    },
    allowed: SIGNED_IN,
  },
  { name: 'mutation signIn', query: 'mutation($email: String!, $password: String!) { signIn(email: $email, password: $password) { email } }', variables: (w) => ({ email: w.accounts.MEMBER.email, password: w.accounts.MEMBER.password }), allowed: ACTORS, public: true },
  { name: 'mutation signOut', query: 'mutation { signOut }', allowed: ACTORS, public: true },
];

let api: TestApi;
let world: World;

/** Ends the org's pending or running exports, so that the next one may start. */
async function endActiveExports(orgId: string): Promise<void> {
  await api.db.dataExport.updateMany({ where: { orgId, status: { in: ['PENDING', 'RUNNING'] } }, data: { status: 'CANCELED', finishedAt: new Date() } });
}

beforeAll(async () => {
  api = await createTestApi();
  const org = await api.org();
  const other = await api.org();
  await api.enableDataExport(org.id);
  await api.enableDataExport(other.id);
  const accounts = {
    platformAdmin: await api.account({ platformAdmin: true }),
    ORG_ADMIN: await api.account({ roles: [[org.slug, 'ORG_ADMIN']] }),
    REGIONAL_ADMIN: await api.account({ roles: [[org.slug, 'REGIONAL_ADMIN']] }),
    CHAPTER_OFFICER: await api.account({ roles: [[org.slug, 'CHAPTER_OFFICER']] }),
    MEMBER: await api.account({ roles: [[org.slug, 'MEMBER']] }),
    otherOrgAdmin: await api.account({ roles: [[other.slug, 'ORG_ADMIN']] }),
  };
  // Verified local storage and a finished export, so that the allowed callers of triggerExport and
  // downloadUrl get data rather than STORAGE_NOT_VERIFIED or CONFLICT.
  for (const mutation of ['mutation($orgId: ID!) { configureStorage(orgId: $orgId, input: { kind: LOCAL }) { kind } }', 'mutation($orgId: ID!) { testStorageConnection(orgId: $orgId) { ok } }']) {
    const result = await api.execute(mutation, { orgId: org.id }, { token: accounts.ORG_ADMIN.token });
    expect(result.errors).toBeUndefined();
  }
  const record = await api.db.dataExport.create({ data: { orgId: org.id, trigger: 'MANUAL', status: 'COMPLETED', storageKey: `exports/${org.slug}/20260101T000000Z-a.jsonl.gz` } });
  world = { orgId: org.id, orgSlug: org.slug, exportId: record.id, accounts };
});

afterAll(async () => {
  await api?.close();
});

it('covers every query and mutation of the schema', async () => {
  const { schema } = await import('./schema/index.ts');
  const fields = [...Object.keys(schema.getQueryType()!.getFields()).map((name) => `query ${name}`), ...Object.keys(schema.getMutationType()!.getFields()).map((name) => `mutation ${name}`)];
  const covered = new Set(operations.map((operation) => operation.name.replace(/ \(.*\)$/, '')));
  // exportStatusChanged, the one subscription, is tried over real sockets in test/live.test.ts.
  expect(fields.filter((field) => !covered.has(field))).toEqual([]);
});

describe.each(operations)('$name', (operation) => {
  it.each(ACTORS)('as %s', async (actor) => {
    const variables = (await operation.variables?.(world, actor)) ?? {};
    const as = actor === 'anonymous' ? {} : { token: world.accounts[actor].token };
    const result = await api.execute(operation.query, variables, as);
    if (operation.allowed.includes(actor)) {
      expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
      expect(result.status).toBe(200);
      expect(result.data).toBeTruthy();
    } else if (actor === 'anonymous') {
      expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(result.status).toBe(401);
    } else {
      expect(result.errors?.[0]?.extensions?.code, JSON.stringify(result.errors)).toBe('FORBIDDEN');
      expect(result.status).toBe(403);
    }
  });
});
