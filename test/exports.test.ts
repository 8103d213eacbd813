// Seed 001's runbook end to end, in one process: trigger, snapshot stream to the org's bucket,
// history, presigned download, cancel, and the rules around them.
import { createHash } from 'node:crypto';
import { createTestApi, type TestApi } from '@org-export/api/testing';
import { type BulkObject, decodeBulk, validateBulk } from '@org-export/format';
import { type TestS3Server, startTestS3Server } from '@org-export/storage/testing';
import { type Worker, startWorker } from '@org-export/worker';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_FIELDS, type ExportOrg, type ExportView, TEST_ROWS_PER_SECOND, ended, exportReadyOrg, fillOrg, listKeys, readExport, triggerExport, waitForExport } from './support/exports.ts';

let api: TestApi;
let s3: TestS3Server;
let worker: Worker;
let client: pg.Client;

beforeAll(async () => {
  api = await createTestApi();
  s3 = await startTestS3Server('org-bucket');
  worker = await startWorker({ databaseUrl: api.databaseUrl, platform: api.platform, logger: pino({ level: 'silent' }), version: '0.1.0', maxRowsPerSecond: TEST_ROWS_PER_SECOND });
  client = new pg.Client({ connectionString: api.databaseUrl });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
  await worker?.stop();
  await s3?.stop();
  await api?.close();
});

/** An org with the awkward data a real one has: unicode, long and multi-line messages, both team types. */
async function richOrg(org: ExportOrg): Promise<BulkObject[]> {
  const long = 'Ω≈ç√ '.repeat(3276) + 'end';
  const objects: BulkObject[] = [
    { type: 'team', team: { name: 'north', display_name: 'Nord ❄ Team', type: 'O', description: 'Zürich & 東京', allow_open_invite: true } },
    { type: 'team', team: { name: 'south', display_name: 'South', type: 'I' } },
    { type: 'channel', channel: { team: 'north', name: 'town-square', display_name: 'Town Square', type: 'O', header: 'Welcome 👋', purpose: 'Everything' } },
    { type: 'channel', channel: { team: 'south', name: 'board', display_name: 'Board', type: 'P' } },
    {
      type: 'user',
      user: {
        username: 'ana', email: 'ana@example.org', nickname: 'Ána', first_name: 'Ana', last_name: "O'Neil", position: 'Chair', roles: 'system_admin system_user', locale: 'pt-BR',
        teams: [
          { name: 'north', roles: 'team_user team_admin', channels: [{ name: 'town-square', roles: 'channel_user', notify_props: { desktop: 'mention', mobile: 'none', mark_unread: 'all' } }] },
          { name: 'south', roles: 'team_user', channels: [{ name: 'board', roles: 'channel_user channel_admin' }] },
        ],
      },
    },
    { type: 'user', user: { username: 'bo', email: 'bo@example.org', roles: 'system_user' } },
    { type: 'post', post: { team: 'north', channel: 'town-square', user: 'ana', message: 'Hallo 👋\nzweite Zeile\t"quoted" \\ backslash', create_at: 1767225600000 } },
    { type: 'post', post: { team: 'south', channel: 'board', user: 'ana', message: long, create_at: 1767225601000 } },
    { type: 'post', post: { team: 'north', channel: 'town-square', user: 'bo', message: '', create_at: 1767225602000 } },
  ];
  const ids = new Map<string, string>();
  const id = async (sql: string, params: unknown[]) => (await client.query<{ id: string }>(sql, params)).rows[0]!.id;
  for (const object of objects) {
    if (object.type === 'team') {
      const team = object.team;
      ids.set(`team:${team.name}`, await id('INSERT INTO team (id, org_id, name, display_name, type, description, allow_open_invite) VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6) RETURNING id', [org.orgId, team.name, team.display_name, team.type, team.description ?? null, team.allow_open_invite ?? null]));
    } else if (object.type === 'channel') {
      const channel = object.channel;
      ids.set(`channel:${channel.team}/${channel.name}`, await id('INSERT INTO channel (id, org_id, team_id, name, display_name, type, header, purpose) VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7) RETURNING id', [org.orgId, ids.get(`team:${channel.team}`), channel.name, channel.display_name, channel.type, channel.header ?? null, channel.purpose ?? null]));
    } else if (object.type === 'user') {
      const user = object.user;
      const userId = await id('INSERT INTO chat_user (id, org_id, username, email, nickname, first_name, last_name, position, roles, locale) VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id', [org.orgId, user.username, user.email, user.nickname ?? null, user.first_name ?? null, user.last_name ?? null, user.position ?? null, user.roles ?? null, user.locale ?? null]);
      ids.set(`user:${user.username}`, userId);
      for (const team of user.teams ?? []) {
        await client.query('INSERT INTO team_member (team_id, user_id, org_id, roles) VALUES ($1, $2, $3, $4)', [ids.get(`team:${team.name}`), userId, org.orgId, team.roles ?? null]);
        for (const channel of team.channels ?? []) {
          await client.query('INSERT INTO channel_member (channel_id, user_id, org_id, roles, notify_props) VALUES ($1, $2, $3, $4, $5)', [ids.get(`channel:${team.name}/${channel.name}`), userId, org.orgId, channel.roles ?? null, channel.notify_props ? JSON.stringify(channel.notify_props) : null]);
        }
      }
    } else if (object.type === 'post') {
      const post = object.post;
      await client.query("INSERT INTO post (org_id, channel_id, user_id, message, message_hash, create_at) VALUES ($1, $2, $3, $4, sha256(convert_to($4, 'UTF8')), $5)", [org.orgId, ids.get(`channel:${post.team}/${post.channel}`), ids.get(`user:${post.user}`), post.message, post.create_at]);
    }
  }
  return objects;
}

async function download(api: TestApi, org: ExportOrg, id: string) {
  const result = await api.execute<{ downloadUrl: { url: string; expiresAt: string; fileName: string } }>('query($id: ID!) { downloadUrl(exportId: $id) { url expiresAt fileName } }', { id }, { token: org.admin.token });
  expect(result.errors).toBeUndefined();
  const response = await fetch(result.data!.downloadUrl.url);
  expect(response.status, `${result.data!.downloadUrl.url}: ${response.status === 200 ? '' : await response.clone().text()}`).toBe(200);
  return { ...result.data!.downloadUrl, response, bytes: new Uint8Array(await response.arrayBuffer()) };
}

describe('an export, as the runbook walks it', () => {
  it('goes PENDING to COMPLETED, lands in the bucket under its key, downloads exactly, validates and holds every row field for field', async () => {
    const org = await exportReadyOrg(api, s3, { prefix: 'backups/' });
    const expected = await richOrg(org);
    const triggered = await triggerExport(api, org);
    expect(triggered.errors).toBeUndefined();
    expect(triggered.data!.triggerExport).toMatchObject({ status: 'PENDING', trigger: 'MANUAL', requestedBy: { email: org.admin.email }, counts: null });

    const done = await waitForExport(api, org, triggered.data!.triggerExport.id, ended);
    expect(done).toMatchObject({ status: 'COMPLETED', error: null, counts: { teams: 2, channels: 2, users: 2, posts: 3 }, progress: { done: 10, expected: 10 } });
    expect(done.storageKey).toMatch(new RegExp(`^exports/${org.slug}/\\d{8}T\\d{6}Z-${done.id}\\.jsonl\\.gz$`));

    const file = await download(api, org, done.id);
    expect(file.bytes.length).toBe(done.compressedBytes);
    expect(createHash('sha256').update(file.bytes).digest('hex')).toBe(done.sha256);
    expect(file.response.headers.get('content-disposition')).toContain(file.fileName);
    expect(new Date(file.expiresAt).getTime() - Date.now()).toBeGreaterThan(14 * 60_000);
    expect(new Date(file.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(15 * 60_000);

    // The object is in the org's own bucket, under its prefix.
    expect(await listKeys(s3, `backups/exports/${org.slug}/`)).toEqual([`backups/${done.storageKey}`]);

    const report = await validateBulk([file.bytes]);
    expect(report).toMatchObject({ valid: true, errors: [], counts: { team: 2, channel: 2, user: 2, post: 3 } });
    const objects: BulkObject[] = [];
    for await (const batch of decodeBulk([file.bytes])) objects.push(...batch.objects.map((entry) => entry.object));
    expect(objects[0]).toMatchObject({ type: 'version', version: 1, info: { generator: 'org-export' } });
    expect(objects.slice(1)).toEqual(expected);

    const audit = await api.db.auditEvent.findMany({ where: { orgId: org.orgId, action: { startsWith: 'export.' } }, orderBy: { id: 'asc' } });
    expect(audit.map((event) => [event.action, event.actorId])).toEqual([
      ['export.triggered', org.admin.id],
      ['export.download_url_issued', org.admin.id],
    ]);
  });

  it('counts equal the database for a generated org, and leaves out posts after the cut-off', async () => {
    const org = await exportReadyOrg(api, s3);
    await fillOrg(client, org, { teams: 3, channels: 12, users: 60, posts: 5000, seed: 3 });
    const cutoff = (await client.query<{ at: string }>('SELECT create_at::text AS at FROM post WHERE org_id = $1 ORDER BY create_at OFFSET 2999 LIMIT 1', [org.orgId])).rows[0]!.at;

    const all = await waitForExport(api, org, (await triggerExport(api, org)).data!.triggerExport.id, ended);
    expect(all).toMatchObject({ status: 'COMPLETED', counts: { teams: 3, channels: 12, users: 60, posts: 5000 } });
    const until = new Date(Number(cutoff)).toISOString();
    const cut = await waitForExport(api, org, (await triggerExport(api, org, { until })).data!.triggerExport.id, ended);
    expect(cut.counts).toEqual({ teams: 3, channels: 12, users: 60, posts: 3000 });
    const file = await download(api, org, cut.id);
    const report = await validateBulk([file.bytes]);
    expect(report).toMatchObject({ valid: true, counts: { team: 3, channel: 12, user: 60, post: 3000 } });
  });

  it('holds the org as it was when the snapshot began, whatever is written meanwhile', async () => {
    const org = await exportReadyOrg(api, s3);
    await fillOrg(client, org, { teams: 2, channels: 4, users: 20, posts: 150_000, seed: 5 });

    const id = (await triggerExport(api, org)).data!.triggerExport.id;
    // progress.expected is written from inside the snapshot: once it is there, the snapshot began.
    await waitForExport(api, org, id, (view) => view.progress.expected !== null || ended(view));
    const channel = (await client.query<{ id: string; user_id: string }>('SELECT c.id, cm.user_id FROM channel c JOIN channel_member cm ON cm.channel_id = c.id WHERE c.org_id = $1 LIMIT 1', [org.orgId])).rows[0]!;
    await client.query(
      "INSERT INTO post (org_id, channel_id, user_id, message, message_hash, create_at) SELECT $1, $2, $3, 'written during the export ' || n, sha256(convert_to('written during the export ' || n, 'UTF8')), n FROM generate_series(1, 100) n",
      [org.orgId, channel.id, channel.user_id],
    );
    const stillRunning = await readExport(api, org, id);
    expect(stillRunning.status, 'the export must still be running when the posts are written').toBe('RUNNING');

    const done = await waitForExport(api, org, id, ended);
    expect(done.counts?.posts).toBe(150_000);
    // The worker keeps to its rows-per-second limit: 150,000 posts at 50,000 a second take 3 s or more.
    const runMs = Date.parse(done.finishedAt!) - Date.parse(done.startedAt!);
    expect(runMs, 'the export must keep to EXPORT_MAX_ROWS_PER_SECOND').toBeGreaterThanOrEqual((150_000 / TEST_ROWS_PER_SECOND) * 1000);
    const file = await download(api, org, done.id);
    let posts = 0;
    let written = 0;
    for await (const batch of decodeBulk([file.bytes])) {
      for (const { object } of batch.objects) {
        if (object.type !== 'post') continue;
        posts++;
        if (object.post.message.startsWith('written during the export')) written++;
      }
    }
    expect({ posts, written }).toEqual({ posts: 150_000, written: 0 });
  });
});

describe('the rules around an export', () => {
  it('makes exactly one record of 20 concurrent triggers; the rest hear CONFLICT (409)', async () => {
    const org = await exportReadyOrg(api, s3);
    const results = await Promise.all(Array.from({ length: 20 }, () => triggerExport(api, org)));
    const created = results.filter((result) => result.data?.triggerExport);
    const refused = results.filter((result) => result.errors?.[0]?.extensions?.code === 'CONFLICT');
    expect(created).toHaveLength(1);
    expect(refused).toHaveLength(19);
    expect(refused.every((result) => result.status === 409)).toBe(true);
    expect(refused[0]!.errors![0]!.message).toBe('Another export of this org is pending or running. Wait for it to finish, or cancel it.');
    expect(await api.db.dataExport.count({ where: { orgId: org.orgId } })).toBe(1);
    // Every record has its job.
    const jobs = await client.query("SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'export.run' AND data->>'exportId' = $1", [created[0]!.data!.triggerExport.id]);
    expect(jobs.rows[0].n).toBe(1);
    await waitForExport(api, org, created[0]!.data!.triggerExport.id, ended);
  });

  it('refuses to start without verified storage, and a change of settings unverifies it', async () => {
    const org = await exportReadyOrg(api, s3);
    await api.execute(
      'mutation($orgId: ID!, $input: ConfigureStorageInput!) { configureStorage(orgId: $orgId, input: $input) { kind } }',
      { orgId: org.orgId, input: { endpoint: s3.endpoint, region: 'us-east-1', bucket: s3.bucket, prefix: 'elsewhere', forcePathStyle: true, accessKeyId: s3.accessKeyId } },
      { token: org.admin.token },
    );
    const result = await triggerExport(api, org);
    expect(result.status).toBe(409);
    expect(result.errors?.[0]?.extensions?.code).toBe('STORAGE_NOT_VERIFIED');
    expect(await api.db.dataExport.count({ where: { orgId: org.orgId } })).toBe(0);
  });

  it('cancels a running export within seconds and leaves no object behind', async () => {
    const org = await exportReadyOrg(api, s3, { prefix: 'cancel-test' });
    await fillOrg(client, org, { teams: 2, channels: 4, users: 20, posts: 200_000, seed: 9 });

    const id = (await triggerExport(api, org)).data!.triggerExport.id;
    await waitForExport(api, org, id, (view) => view.status === 'RUNNING' || ended(view));
    const started = Date.now();
    const canceled = await api.execute<{ cancelExport: ExportView }>(`mutation($id: ID!) { cancelExport(exportId: $id) { ${EXPORT_FIELDS} } }`, { id }, { token: org.admin.token });
    expect(canceled.data!.cancelExport.status).toBe('CANCELED');
    // The worker notices within about a second and aborts the upload.
    await expect.poll(async () => (await api.db.dataExport.findUniqueOrThrow({ where: { id } })).uploadId, { timeout: 10_000 }).toBeNull();
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await listKeys(s3, 'cancel-test/')).toEqual([]);
    const view = await readExport(api, org, id);
    expect(view).toMatchObject({ status: 'CANCELED', counts: null, sha256: null });

    const again = await api.execute(`mutation($id: ID!) { cancelExport(exportId: $id) { id } }`, { id }, { token: org.admin.token });
    expect(again.errors?.[0]).toMatchObject({ message: 'The export has already ended as CANCELED.', extensions: { code: 'CONFLICT' } });
    const url = await api.execute('query($id: ID!) { downloadUrl(exportId: $id) { url } }', { id }, { token: org.admin.token });
    expect(url.errors?.[0]).toMatchObject({ message: 'The export is CANCELED; a download is ready once it is COMPLETED.', extensions: { code: 'CONFLICT' } });
  });

  it('ends FAILED with a plain reason when the bucket becomes unreachable mid-export, and the org can export again', async () => {
    const lost = await startTestS3Server('lost-bucket');
    let stopped = false;
    try {
      const org = await exportReadyOrg(api, lost, { prefix: 'lost' });
      await fillOrg(client, org, { teams: 2, channels: 4, users: 20, posts: 200_000, seed: 13 });
      const id = (await triggerExport(api, org)).data!.triggerExport.id;
      await waitForExport(api, org, id, (view) => view.progress.done > 20_000 || ended(view));
      await lost.stop();
      stopped = true;
      const view = await waitForExport(api, org, id, ended);
      expect(view).toMatchObject({ status: 'FAILED', error: { code: 'STORAGE_ENDPOINT_UNREACHABLE', message: expect.stringMatching(/^Cannot reach the storage endpoint/) }, storageKey: null, sha256: null });
      // The record is consistent: nothing pending, so the next trigger is accepted (and fails the same way).
      const next = await triggerExport(api, org);
      expect(next.errors).toBeUndefined();
      expect((await waitForExport(api, org, next.data!.triggerExport.id, ended)).error?.code).toBe('STORAGE_ENDPOINT_UNREACHABLE');
    } finally {
      if (!stopped) await lost.stop();
    }
  });

  it('lists history newest first, by page and by status', async () => {
    const org = await exportReadyOrg(api, s3);
    const ids: string[] = [];
    for (let index = 0; index < 3; index++) {
      const id = (await triggerExport(api, org)).data!.triggerExport.id;
      await waitForExport(api, org, id, ended);
      ids.push(id);
    }
    await api.db.dataExport.update({ where: { id: ids[1]! }, data: { status: 'FAILED', errorCode: 'TEST', errorMessage: 'made to fail' } });
    type Page = { exportHistory: { edges: { node: { id: string; status: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } };
    const QUERY = 'query($orgId: ID!, $after: String, $status: ExportStatus) { exportHistory(orgId: $orgId, first: 2, after: $after, status: $status) { edges { node { id status } } pageInfo { hasNextPage endCursor } } }';
    const first = await api.execute<Page>(QUERY, { orgId: org.orgId }, { token: org.admin.token });
    expect(first.data!.exportHistory.edges.map((edge) => edge.node.id)).toEqual([ids[2], ids[1]]);
    const second = await api.execute<Page>(QUERY, { orgId: org.orgId, after: first.data!.exportHistory.pageInfo.endCursor }, { token: org.admin.token });
    expect(second.data!.exportHistory.edges.map((edge) => edge.node.id)).toEqual([ids[0]]);
    expect(second.data!.exportHistory.pageInfo.hasNextPage).toBe(false);
    const failed = await api.execute<Page>(QUERY, { orgId: org.orgId, status: 'FAILED' }, { token: org.admin.token });
    expect(failed.data!.exportHistory.edges.map((edge) => edge.node)).toEqual([{ id: ids[1], status: 'FAILED' }]);
  });
});

describe('local-directory storage', () => {
  it('exports to the local directory and serves the file through a signed, expiring URL', async () => {
    const org = await api.org();
    const admin = await api.account({ roles: [[org.slug, 'ORG_ADMIN']] });
    await api.enableDataExport(org.id);
    await api.execute('mutation($orgId: ID!) { configureStorage(orgId: $orgId, input: { kind: LOCAL }) { kind } }', { orgId: org.id }, { token: admin.token });
    await api.execute('mutation($orgId: ID!) { testStorageConnection(orgId: $orgId) { ok } }', { orgId: org.id }, { token: admin.token });
    const local: ExportOrg = { orgId: org.id, slug: org.slug, admin };
    const host = await api.listen();
    const done = await waitForExport(api, local, (await triggerExport(api, local)).data!.triggerExport.id, ended);
    expect(done.status).toBe('COMPLETED');

    const issued = await api.execute<{ downloadUrl: { url: string } }>('query($id: ID!) { downloadUrl(exportId: $id) { url } }', { id: done.id }, { token: admin.token });
    // The test platform's public URL is a placeholder; the path and query are what is signed.
    const url = new URL(issued.data!.downloadUrl.url);
    const real = `http://${host}${url.pathname}${url.search}`;
    const response = await fetch(real);
    expect(response.status).toBe(200);
    expect(createHash('sha256').update(new Uint8Array(await response.arrayBuffer())).digest('hex')).toBe(done.sha256);

    const tampered = new URL(real);
    tampered.searchParams.set('expires', String(Number(tampered.searchParams.get('expires')) + 3600));
    expect((await fetch(tampered)).status).toBe(403);
    const otherFile = real.replace(/\.jsonl\.gz\?/, '.jsonl?');
    expect((await fetch(otherFile)).status).toBe(403);
    const expiredUrl = api.platform.signLocalUrl(`${org.id}/${done.storageKey}`, new Date(Date.now() - 1000), 'old.jsonl.gz');
    const expired = await fetch(`http://${host}${new URL(expiredUrl).pathname}${new URL(expiredUrl).search}`);
    expect(expired.status).toBe(403);
    expect(await expired.json()).toEqual({ error: 'This download link has expired. Ask for a new one.' });
  });
});
