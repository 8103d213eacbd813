// Platform export settings and the audit log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, createTestApi } from './testkit.ts';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(async () => {
  await api?.close();
});

describe('platform export settings', () => {
  it('defaults to gzip 6, 8 MiB parts and 15-minute download URLs, and keeps what is changed', async () => {
    const admin = await api.account({ platformAdmin: true });
    const read = await api.execute('{ platformSettings { compressionLevel partSizeBytes downloadUrlTtlSeconds } }', {}, { token: admin.token });
    expect(read.data).toEqual({ platformSettings: { compressionLevel: 6, partSizeBytes: 8 * 1024 * 1024, downloadUrlTtlSeconds: 900 } });
    const changed = await api.execute('mutation { updatePlatformSettings(input: { compressionLevel: 3, downloadUrlTtlSeconds: 600 }) { compressionLevel partSizeBytes downloadUrlTtlSeconds } }', {}, { token: admin.token });
    expect(changed.data).toEqual({ updatePlatformSettings: { compressionLevel: 3, partSizeBytes: 8 * 1024 * 1024, downloadUrlTtlSeconds: 600 } });
  });

  it.each([
    ['compressionLevel: 0', 'input.compressionLevel'],
    ['partSizeBytes: 1024', 'input.partSizeBytes'],
    ['downloadUrlTtlSeconds: 999999999', 'input.downloadUrlTtlSeconds'],
  ])('refuses %s', async (input, field) => {
    const admin = await api.account({ platformAdmin: true });
    const before = await api.db.platformSettings.findUniqueOrThrow({ where: { id: 1 } });
    const result = await api.execute(`mutation { updatePlatformSettings(input: { ${input} }) { compressionLevel } }`, {}, { token: admin.token });
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field });
    expect(await api.db.platformSettings.findUniqueOrThrow({ where: { id: 1 } })).toEqual(before);
  });
});

describe('audit log', () => {
  it("shows an org's ORG_ADMIN that org's events newest first, page by page, and platform admins everything", async () => {
    const org = await api.org();
    const other = await api.org();
    const platformAdmin = await api.account({ platformAdmin: true });
    const orgAdmin = await api.account({ roles: [[org.slug, 'ORG_ADMIN']] });
    for (const enabled of [true, false, true]) {
      await api.execute('mutation($orgId: ID!, $enabled: Boolean!) { setModuleEnabled(orgId: $orgId, module: DATA_EXPORT, enabled: $enabled) { id } }', { orgId: org.id, enabled }, { token: platformAdmin.token });
    }
    await api.execute('mutation($orgId: ID!) { setModuleEnabled(orgId: $orgId, module: DATA_EXPORT, enabled: true) { id } }', { orgId: other.id }, { token: platformAdmin.token });

    type Page = { auditLog: { edges: { cursor: string; node: { action: string; org: { id: string }; actor: { email: string } | null } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } };
    const QUERY = 'query($orgId: ID, $after: String) { auditLog(orgId: $orgId, first: 2, after: $after) { edges { cursor node { action org { id } actor { email } } } pageInfo { hasNextPage endCursor } } }';
    const first = await api.execute<Page>(QUERY, { orgId: org.id }, { token: orgAdmin.token });
    expect(first.data!.auditLog.edges.map((edge) => edge.node.action)).toEqual(['module.enabled', 'module.disabled']);
    expect(first.data!.auditLog.edges[0]!.node.actor).toEqual({ email: platformAdmin.email });
    expect(first.data!.auditLog.pageInfo.hasNextPage).toBe(true);
    const second = await api.execute<Page>(QUERY, { orgId: org.id, after: first.data!.auditLog.pageInfo.endCursor }, { token: orgAdmin.token });
    // Then the first toggle, then the admin CLI's membership and org creation.
    expect(second.data!.auditLog.edges.map((edge) => edge.node.action)).toEqual(['module.enabled', 'member.set']);
    expect(second.data!.auditLog.edges.every((edge) => edge.node.org.id === org.id)).toBe(true);

    const everything = await api.execute<Page>(QUERY, {}, { token: platformAdmin.token });
    expect(everything.data!.auditLog.edges[0]!.node.org.id).toBe(other.id);
  });

  it('records sign-ins, token creation and revocation', async () => {
    const account = await api.account();
    await api.execute('mutation($email: String!, $password: String!) { signIn(email: $email, password: $password) { id } }', { email: account.email, password: account.password });
    const created = await api.execute<{ createApiToken: { apiToken: { id: string } } }>('mutation { createApiToken(name: "ci") { apiToken { id } } }', {}, { token: account.token });
    await api.execute('mutation($id: ID!) { revokeApiToken(id: $id) { id } }', { id: created.data!.createApiToken.apiToken.id }, { token: account.token });
    const events = await api.db.auditEvent.findMany({ where: { actorId: account.id }, orderBy: { id: 'asc' } });
    expect(events.map((event) => event.action)).toEqual(['token.created', 'auth.signed_in', 'token.created', 'token.revoked']);
  });
});
