// Bad input: each gets a clear error with a stable code, and nothing is half-written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, type TestAccount, createTestApi } from './testkit.ts';

let api: TestApi;
let platformAdmin: TestAccount;
let orgAdmin: TestAccount;
let orgId: string;

beforeAll(async () => {
  api = await createTestApi();
  const org = await api.org();
  orgId = org.id;
  platformAdmin = await api.account({ platformAdmin: true });
  orgAdmin = await api.account({ roles: [[org.slug, 'ORG_ADMIN']] });
});
afterAll(async () => {
  await api?.close();
});

const CONFIGURE = 'mutation($orgId: ID!, $input: ConfigureStorageInput!) { configureStorage(orgId: $orgId, input: $input) { bucket } }';
const S3 = { region: 'us-east-1', bucket: 'exports', accessKeyId: 'AKIA', secretAccessKey: 'secret' };

describe('bad input', () => {
  it.each([
    ['a malformed endpoint', { ...S3, endpoint: 'not a url' }, 'input.endpoint', /http:\/\/ or https:\/\//],
    ['an endpoint with another scheme', { ...S3, endpoint: 'ftp://files.example.com' }, 'input.endpoint', /http/],
    ['an endpoint with credentials in it', { ...S3, endpoint: 'https://user:pw@s3.example.com' }, 'input.endpoint', /without credentials/],
    ['a bucket name S3 would refuse', { ...S3, bucket: 'Has Spaces' }, 'input.bucket', /bucket name/],
    ['an oversized access key id', { ...S3, accessKeyId: 'A'.repeat(10_000) }, 'input.accessKeyId', /at most 256/],
    ['an oversized secret', { ...S3, secretAccessKey: 's'.repeat(100_000) }, 'input.secretAccessKey', /at most 1024/],
    ['a prefix escaping upwards', { ...S3, prefix: 'a/../../b' }, 'input.prefix', /\.\./],
    ['no secret the first time', { region: 'us-east-1', bucket: 'exports', accessKeyId: 'AKIA' }, 'input.secretAccessKey', /required/],
  ])('refuses %s in storage settings', async (_name, input, field, message) => {
    const result = await api.execute(CONFIGURE, { orgId, input }, { token: orgAdmin.token });
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field });
    expect(result.errors?.[0]?.message).toMatch(message);
    expect(await api.db.storageSettings.count({ where: { orgId } })).toBe(0);
    expect(await api.db.auditEvent.count({ where: { orgId, action: 'storage.configured' } })).toBe(0);
  });

  it('refuses oversized and malformed org fields without creating anything', async () => {
    const before = await api.db.org.count();
    for (const [slug, name, field] of [['ok-slug', 'n'.repeat(201), 'name'], ['Bad Slug!', 'Fine', 'slug'], ['x'.repeat(65), 'Fine', 'slug']] as const) {
      const result = await api.execute('mutation($slug: String!, $name: String!) { createOrg(slug: $slug, name: $name) { id } }', { slug, name }, { token: platformAdmin.token });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field });
    }
    const long = await api.execute('mutation($name: String!) { createApiToken(name: $name) { token } }', { name: 't'.repeat(5000) }, { token: orgAdmin.token });
    expect(long.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'name' });
    expect(await api.db.org.count()).toBe(before);
  });

  it('answers a second org with the same slug with CONFLICT', async () => {
    const org = await api.org();
    const result = await api.execute('mutation($slug: String!) { createOrg(slug: $slug, name: "Again") { id } }', { slug: org.slug }, { token: platformAdmin.token });
    expect(result.status).toBe(409);
    expect(result.errors?.[0]).toMatchObject({ message: `An org with slug "${org.slug}" already exists.`, extensions: { code: 'CONFLICT' } });
  });

  it('answers unknown and malformed org ids: NOT_FOUND for platform admins, FORBIDDEN for others', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    const asAdmin = await api.execute('mutation($orgId: ID!) { setModuleEnabled(orgId: $orgId, module: DATA_EXPORT, enabled: true) { id } }', { orgId: unknown }, { token: platformAdmin.token });
    expect(asAdmin.status).toBe(404);
    expect(asAdmin.errors?.[0]).toMatchObject({ message: 'The org was not found.', extensions: { code: 'NOT_FOUND' } });
    const malformed = await api.execute('query($id: ID!) { org(id: $id) { id } }', { id: "1' OR '1'='1" }, { token: platformAdmin.token });
    expect(malformed.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'id' });
    const asOrgAdmin = await api.execute('query($orgId: ID!) { exportHistory(orgId: $orgId) { edges { cursor } } }', { orgId: unknown }, { token: orgAdmin.token });
    expect(asOrgAdmin.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const addToNothing = await api.execute('mutation($orgId: ID!) { addMember(orgId: $orgId, email: "a@b.co", role: MEMBER) { id } }', { orgId: unknown }, { token: platformAdmin.token });
    expect(addToNothing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('refuses queries nested or aliased to exhaust the server', async () => {
    const deep = `{ viewer { memberships { org { members { account { memberships { org { members { account { memberships { org { id } } } } } } } } } } } }`;
    const nested = await api.execute(deep, {}, { token: platformAdmin.token });
    expect(nested.status).toBe(400);
    expect(nested.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(nested.errors?.[0]?.message).toMatch(/depth/i);

    const aliases = `{ ${Array.from({ length: 200 }, (_, index) => `a${index}: version { version }`).join(' ')} }`;
    const aliased = await api.execute(aliases, {}, {});
    expect(aliased.status).toBe(400);
    expect(aliased.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('masks unexpected failures: no internals reach the client', async () => {
    const org = await api.org();
    const admin = await api.account({ roles: [[org.slug, 'ORG_ADMIN']] });
    await api.enableDataExport(org.id);
    // A size no JSON number can carry exactly makes the serializer throw a plain Error.
    const record = await api.db.dataExport.create({ data: { orgId: org.id, trigger: 'MANUAL', bytes: 2n ** 60n } });
    const result = await api.execute('query($id: ID!) { export(id: $id) { bytes } }', { id: record.id }, { token: admin.token });
    expect(result.errors?.[0]?.message).toBe('Unexpected error.');
    expect(JSON.stringify(result.errors)).not.toMatch(/SafeInt|stack/);
  });
});
