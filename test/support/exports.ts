// Shared set-up for export tests: an org with verified S3 storage on a loopback s3rver, the
// module on, an ORG_ADMIN, and ways to wait for an export without sleeping blindly.
import type { TestApi, TestAccount } from '@org-export/api/testing';
import type { TestS3Server } from '@org-export/storage/testing';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { type GenerateOptions, generateOrg } from '@org-export/tools/generate';
import type pg from 'pg';
import { expect } from 'vitest';

/**
 * The rows-per-second limit (EXPORT_MAX_ROWS_PER_SECOND) of the workers in tests that act on an
 * export while it runs: a few hundred thousand posts then take seconds on any machine, however
 * fast, so that a cancel, a kill or a lost bucket lands in the middle.
 */
export const TEST_ROWS_PER_SECOND = 50_000;

export type ExportOrg = { orgId: string; slug: string; admin: TestAccount };

export async function exportReadyOrg(api: TestApi, s3: TestS3Server, options: { prefix?: string; slug?: string } = {}): Promise<ExportOrg> {
  const org = await api.org(options.slug);
  const admin = await api.account({ roles: [[org.slug, 'ORG_ADMIN']] });
  await api.enableDataExport(org.id);
  const configured = await api.execute(
    'mutation($orgId: ID!, $input: ConfigureStorageInput!) { configureStorage(orgId: $orgId, input: $input) { kind } }',
    { orgId: org.id, input: { endpoint: s3.endpoint, region: 'us-east-1', bucket: s3.bucket, prefix: options.prefix ?? 'backups', forcePathStyle: true, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } },
    { token: admin.token },
  );
  expect(configured.errors).toBeUndefined();
  const tested = await api.execute<{ testStorageConnection: { ok: boolean } }>('mutation($orgId: ID!) { testStorageConnection(orgId: $orgId) { ok } }', { orgId: org.id }, { token: admin.token });
  expect(tested.data?.testStorageConnection.ok).toBe(true);
  return { orgId: org.id, slug: org.slug, admin };
}

export const EXPORT_FIELDS = `id status trigger createdAt startedAt finishedAt error { code message } counts { teams channels users posts }
  bytes compressedBytes sha256 storageKey progress { done expected } requestedBy { email }`;

export type ExportView = {
  id: string;
  status: string;
  trigger: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: { code: string; message: string } | null;
  counts: { teams: number; channels: number; users: number; posts: number } | null;
  bytes: number | null;
  compressedBytes: number | null;
  sha256: string | null;
  storageKey: string | null;
  progress: { done: number; expected: number | null };
  requestedBy: { email: string } | null;
};

export async function triggerExport(api: TestApi, org: ExportOrg, input: { until?: string } = {}) {
  return api.execute<{ triggerExport: ExportView }>(`mutation($orgId: ID!, $input: TriggerExportInput) { triggerExport(orgId: $orgId, input: $input) { ${EXPORT_FIELDS} } }`, { orgId: org.orgId, input }, { token: org.admin.token });
}

export async function readExport(api: TestApi, org: ExportOrg, id: string): Promise<ExportView> {
  const result = await api.execute<{ export: ExportView }>(`query($id: ID!) { export(id: $id) { ${EXPORT_FIELDS} } }`, { id }, { token: org.admin.token });
  expect(result.errors).toBeUndefined();
  return result.data!.export;
}

/** Polls the export every 50 ms until `done` holds, or fails with its last state. */
export async function waitForExport(api: TestApi, org: ExportOrg, id: string, done: (view: ExportView) => boolean, timeoutMs = 60_000): Promise<ExportView> {
  const deadline = Date.now() + timeoutMs;
  let view = await readExport(api, org, id);
  while (!done(view)) {
    if (Date.now() > deadline) throw new Error(`export ${id} did not reach the expected state: ${JSON.stringify(view)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    view = await readExport(api, org, id);
  }
  return view;
}

export const ended = (view: ExportView) => ['COMPLETED', 'FAILED', 'CANCELED'].includes(view.status);

/** Every key in the test bucket under `prefix`, read with a plain S3 client. */
export async function listKeys(s3: TestS3Server, prefix: string): Promise<string[]> {
  const client = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
  try {
    const listed = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix }));
    return (listed.Contents ?? []).map((object) => object.Key ?? '');
  } finally {
    client.destroy();
  }
}

/** Fills the org with generated teams, channels, users, memberships and posts. */
export async function fillOrg(client: pg.Client, org: ExportOrg, options: Omit<GenerateOptions, 'slug'>): Promise<void> {
  const slug = `${org.slug}-generated`;
  await generateOrg(client, { slug, ...options });
  // The generator makes its own org; its rows move into this one.
  const generated = (await client.query<{ id: string }>('SELECT id FROM org WHERE slug = $1', [slug])).rows[0]!.id;
  for (const table of ['team', 'channel', 'chat_user', 'team_member', 'channel_member', 'post']) await client.query(`UPDATE ${table} SET org_id = $1 WHERE org_id = $2`, [org.orgId, generated]);
  await client.query('DELETE FROM org WHERE id = $1', [generated]);
}
