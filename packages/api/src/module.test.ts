// The Data Export module: off by default, only platform admins switch it, and while it is off
// every export operation of the org is refused, with its records kept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, createTestApi } from './testkit.ts';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(async () => {
  await api?.close();
});

const HISTORY = 'query($orgId: ID!) { exportHistory(orgId: $orgId, first: 10) { edges { node { id status } } } }';
const ONE = 'query($id: ID!) { export(id: $id) { id status } }';
const TOGGLE = 'mutation($orgId: ID!, $enabled: Boolean!) { setModuleEnabled(orgId: $orgId, module: DATA_EXPORT, enabled: $enabled) { modules { module enabled updatedAt } } }';

describe('Data Export module', () => {
  it('is off by default, and then refuses history and single exports with 403 even to the ORG_ADMIN', async () => {
    const org = await api.org();
    const admin = await api.account({ roles: [[org.slug, 'ORG_ADMIN']] });
    const record = await api.db.dataExport.create({ data: { orgId: org.id, trigger: 'MANUAL', status: 'COMPLETED' } });
    const state = await api.execute<{ org: { modules: { module: string; enabled: boolean }[] } }>('query($id: ID!) { org(id: $id) { modules { module enabled } } }', { id: org.id }, { token: admin.token });
    expect(state.data!.org.modules).toEqual([{ module: 'DATA_EXPORT', enabled: false }]);

    for (const [query, variables] of [[HISTORY, { orgId: org.id }], [ONE, { id: record.id }]] as const) {
      const result = await api.execute(query, variables, { token: admin.token });
      expect(result.status).toBe(403);
      expect(result.errors?.[0]).toMatchObject({ message: 'The Data Export module is turned off for this org. A platform admin can turn it on.', extensions: { code: 'FORBIDDEN' } });
    }
  });

  it('turned on gives access; turned off again refuses it and keeps the records; on again restores them', async () => {
    const org = await api.org();
    const admin = await api.account({ roles: [[org.slug, 'ORG_ADMIN']] });
    const platformAdmin = await api.account({ platformAdmin: true });
    const record = await api.db.dataExport.create({ data: { orgId: org.id, trigger: 'MANUAL', status: 'COMPLETED' } });

    const on = await api.execute<{ setModuleEnabled: { modules: { enabled: boolean; updatedAt: string }[] } }>(TOGGLE, { orgId: org.id, enabled: true }, { token: platformAdmin.token });
    expect(on.data!.setModuleEnabled.modules[0]).toMatchObject({ enabled: true });
    expect((await api.execute(HISTORY, { orgId: org.id }, { token: admin.token })).data).toEqual({ exportHistory: { edges: [{ node: { id: record.id, status: 'COMPLETED' } }] } });

    await api.execute(TOGGLE, { orgId: org.id, enabled: false }, { token: platformAdmin.token });
    expect((await api.execute(HISTORY, { orgId: org.id }, { token: admin.token })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await api.db.dataExport.count({ where: { orgId: org.id } })).toBe(1);

    await api.execute(TOGGLE, { orgId: org.id, enabled: true }, { token: platformAdmin.token });
    expect((await api.execute(ONE, { id: record.id }, { token: admin.token })).data).toEqual({ export: { id: record.id, status: 'COMPLETED' } });

    const events = await api.db.auditEvent.findMany({ where: { orgId: org.id, action: { startsWith: 'module.' } }, orderBy: { id: 'asc' } });
    expect(events.map((event) => [event.action, event.actorId])).toEqual([
      ['module.enabled', platformAdmin.id],
      ['module.disabled', platformAdmin.id],
      ['module.enabled', platformAdmin.id],
    ]);
  });

  it('only a platform admin may switch it, and an org admin of the org is told so', async () => {
    const org = await api.org();
    const admin = await api.account({ roles: [[org.slug, 'ORG_ADMIN']] });
    const result = await api.execute(TOGGLE, { orgId: org.id, enabled: true }, { token: admin.token });
    expect(result.status).toBe(403);
    expect(await api.db.orgModule.count({ where: { orgId: org.id } })).toBe(0);
  });

  it('stores and reads back the export schedule', async () => {
    const org = await api.org();
    const platformAdmin = await api.account({ platformAdmin: true });
    const set = await api.execute('mutation($orgId: ID!) { setExportSchedule(orgId: $orgId, preset: EVERY_12_HOURS) { exportSchedule } }', { orgId: org.id }, { token: platformAdmin.token });
    expect(set.data).toEqual({ setExportSchedule: { exportSchedule: 'EVERY_12_HOURS' } });
    const read = await api.execute('query($id: ID!) { org(id: $id) { exportSchedule } }', { id: org.id }, { token: platformAdmin.token });
    expect(read.data).toEqual({ org: { exportSchedule: 'EVERY_12_HOURS' } });
  });
});
