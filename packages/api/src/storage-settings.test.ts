// Per-org storage through GraphQL, against a real S3-protocol server on loopback and a local
// directory: configure, read back without the secret, test, and what a change does.
import { randomBytes } from 'node:crypto';
import { SecretBox, verifyPlatformKey } from '@org-export/storage';
import { type TestS3Server, startTestS3Server } from '@org-export/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, type TestAccount, createTestApi } from './testkit.ts';

let api: TestApi;
let s3: TestS3Server;
let orgId: string;
let admin: TestAccount;

beforeAll(async () => {
  api = await createTestApi();
  s3 = await startTestS3Server('org-exports');
  const org = await api.org();
  orgId = org.id;
  admin = await api.account({ roles: [[org.slug, 'ORG_ADMIN']] });
});
afterAll(async () => {
  await s3?.stop();
  await api?.close();
});

const CONFIGURE = `mutation($orgId: ID!, $input: ConfigureStorageInput!) { configureStorage(orgId: $orgId, input: $input) {
  kind endpoint region bucket prefix forcePathStyle accessKeyId hasSecret verifiedAt lastTest { ok } } }`;
const TEST = 'mutation($orgId: ID!) { testStorageConnection(orgId: $orgId) { ok test { ok code message testedAt } storage { verifiedAt lastTest { ok code message } } } }';
type TestResult = { testStorageConnection: { ok: boolean; test: { ok: boolean; code: string | null; message: string | null }; storage: { verifiedAt: string | null } } };

// s3rver checks the key id, not signatures, so a distinctive secret can be traced.
const SECRET = 'wJalrXUtnFEMI-distinctive-secret';
const s3Input = () => ({ endpoint: s3.endpoint, region: 'us-east-1', bucket: s3.bucket, prefix: 'backups/', forcePathStyle: true, accessKeyId: s3.accessKeyId, secretAccessKey: SECRET });

describe('storage settings', () => {
  it('keeps the secret encrypted, never returns it, and verifies with a probe that leaves nothing behind', async () => {
    const configured = await api.execute(CONFIGURE, { orgId, input: s3Input() }, { token: admin.token });
    expect(configured.data).toEqual({
      configureStorage: { kind: 'S3', endpoint: s3.endpoint, region: 'us-east-1', bucket: 'org-exports', prefix: 'backups/', forcePathStyle: true, accessKeyId: 'S3RVER', hasSecret: true, verifiedAt: null, lastTest: null },
    });
    expect(JSON.stringify(configured)).not.toContain(SECRET);
    const row = await api.db.storageSettings.findUniqueOrThrow({ where: { orgId } });
    expect(Buffer.from(row.secretEncrypted!).toString('latin1')).not.toContain(SECRET);
    expect(api.platform.secrets.open(Buffer.from(row.secretEncrypted!))).toBe(SECRET);

    const tested = await api.execute<TestResult>(TEST, { orgId }, { token: admin.token });
    expect(tested.data!.testStorageConnection).toMatchObject({ ok: true, test: { ok: true, code: null, message: null } });
    expect(tested.data!.testStorageConnection.storage.verifiedAt).not.toBeNull();
    // The probe object is gone again.
    const storage = api.platform.openStorage(await api.db.storageSettings.findUniqueOrThrow({ where: { orgId } }));
    await storage.put('marker.txt', 'x');
    expect(await storage.head('marker.txt')).toEqual({ size: 1 });
    await storage.delete('marker.txt');

    const audit = await api.db.auditEvent.findMany({ where: { orgId, action: { startsWith: 'storage.' } }, orderBy: { id: 'asc' } });
    expect(audit.map((event) => event.action)).toEqual(['storage.configured', 'storage.tested']);
    expect(JSON.stringify(audit.map((event) => event.details))).not.toContain(SECRET);
  });

  it('clears the verified state on any change, keeping the stored secret when none is given', async () => {
    await api.execute(CONFIGURE, { orgId, input: s3Input() }, { token: admin.token });
    await api.execute(TEST, { orgId }, { token: admin.token });
    const { secretAccessKey: _secret, ...withoutSecret } = s3Input();
    const changed = await api.execute<{ configureStorage: { verifiedAt: string | null; hasSecret: boolean; prefix: string } }>(CONFIGURE, { orgId, input: { ...withoutSecret, prefix: 'other/' } }, { token: admin.token });
    expect(changed.data!.configureStorage).toMatchObject({ verifiedAt: null, hasSecret: true, prefix: 'other/' });
    const retested = await api.execute<TestResult>(TEST, { orgId }, { token: admin.token });
    expect(retested.data!.testStorageConnection.ok).toBe(true);
  });

  it.each([
    ['bad credentials', () => ({ ...s3Input(), accessKeyId: 'NOT-A-KEY' }), 'BAD_CREDENTIALS', /access key/i],
    ['no such bucket', () => ({ ...s3Input(), bucket: 'missing-bucket' }), 'NO_SUCH_BUCKET', /missing-bucket/],
    ['endpoint unreachable', () => ({ ...s3Input(), endpoint: 'http://127.0.0.1:9' }), 'ENDPOINT_UNREACHABLE', /127\.0\.0\.1:9/],
  ])('says in plain words what is wrong: %s, and records it', async (_name, input, code, message) => {
    await api.execute(CONFIGURE, { orgId, input: input() }, { token: admin.token });
    const tested = await api.execute<TestResult>(TEST, { orgId }, { token: admin.token });
    expect(tested.errors).toBeUndefined();
    expect(tested.data!.testStorageConnection).toMatchObject({ ok: false, test: { ok: false, code }, storage: { verifiedAt: null } });
    expect(tested.data!.testStorageConnection.test.message).toMatch(message);
    const row = await api.db.storageSettings.findUniqueOrThrow({ where: { orgId } });
    expect(row).toMatchObject({ lastTestOk: false, lastTestCode: code, verifiedAt: null });
  });

  it('verifies local-directory storage the same way', async () => {
    const org = await api.org();
    const localAdmin = await api.account({ roles: [[org.slug, 'ORG_ADMIN']] });
    const configured = await api.execute(CONFIGURE, { orgId: org.id, input: { kind: 'LOCAL' } }, { token: localAdmin.token });
    expect(configured.data).toMatchObject({ configureStorage: { kind: 'LOCAL', bucket: null, hasSecret: false, verifiedAt: null } });
    const tested = await api.execute<TestResult>(TEST, { orgId: org.id }, { token: localAdmin.token });
    expect(tested.data!.testStorageConnection).toMatchObject({ ok: true });
  });
});

describe('platform key', () => {
  it('is checked at startup: the right key passes, a different one stops with a clear message', async () => {
    // API servers and workers starting together on a new database must not trip over each other.
    await api.db.platformSettings.deleteMany();
    await Promise.all(Array.from({ length: 6 }, () => verifyPlatformKey(api.db, api.platform.secrets)));
    await verifyPlatformKey(api.db, api.platform.secrets);
    await expect(verifyPlatformKey(api.db, new SecretBox(randomBytes(32)))).rejects.toThrow(/PLATFORM_KEY is not the key this database was set up with/);
  });
});
