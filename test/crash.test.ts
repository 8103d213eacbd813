// Crash safety with real worker processes: a worker killed with SIGKILL in the middle of an
// export leaves neither a RUNNING record forever nor an object that looks complete; SIGTERM lets a
// running export finish, or hands it back when shutdown time runs out.
import { createTestApi, type TestApi } from '@org-export/api/testing';
import { type TestS3Server, startTestS3Server } from '@org-export/storage/testing';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ExportOrg, type ExportView, TEST_ROWS_PER_SECOND, ended, exportReadyOrg, fillOrg, listKeys, readExport, triggerExport, waitForExport } from './support/exports.ts';
import { type ServiceProcess, startWorkerProcess } from './support/processes.ts';

let api: TestApi;
let s3: TestS3Server;
let client: pg.Client;
const workers: ServiceProcess[] = [];
/** A RUNNING export without a heartbeat for this long counts as lost. */
const LOST_AFTER_SECONDS = 3;

beforeAll(async () => {
  api = await createTestApi();
  s3 = await startTestS3Server('crash-bucket');
  client = new pg.Client({ connectionString: api.databaseUrl });
  await client.connect();
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.stop('SIGKILL')));
});

afterAll(async () => {
  await client?.end();
  await s3?.stop();
  await api?.close();
});

async function startWorker(extra: Record<string, string> = {}): Promise<ServiceProcess> {
  const worker = await startWorkerProcess({ databaseUrl: api.databaseUrl, platformKey: api.platformKey, lostAfterSeconds: LOST_AFTER_SECONDS, extraEnv: { EXPORT_MAX_ROWS_PER_SECOND: String(TEST_ROWS_PER_SECOND), ...extra } });
  workers.push(worker);
  return worker;
}

/** An org large enough that its export runs for seconds, with an export under way. */
async function runningExport(prefix: string): Promise<{ org: ExportOrg; id: string; view: ExportView }> {
  const org = await exportReadyOrg(api, s3, { prefix });
  await fillOrg(client, org, { teams: 2, channels: 6, users: 40, posts: 300_000, seed: 21 });
  const id = (await triggerExport(api, org)).data!.triggerExport.id;
  // Parts are on their way to the bucket once a good share of the rows is done.
  const view = await waitForExport(api, org, id, (current) => current.progress.done > 50_000 || ended(current), 120_000);
  expect(view.status, JSON.stringify(view.error)).toBe('RUNNING');
  return { org, id, view };
}

describe('a worker killed in the middle of an export', () => {
  it('ends the export FAILED with a worker-lost reason once a worker is back, and leaves no object', async () => {
    const first = await startWorker();
    const { org, id } = await runningExport('crash-kill');
    expect(await first.stop('SIGKILL')).toBe('SIGKILL');
    const killedAt = Date.now();
    // Nothing moves while no worker runs: the record still says RUNNING.
    expect((await readExport(api, org, id)).status).toBe('RUNNING');

    await startWorker();
    const view = await waitForExport(api, org, id, ended, 60_000);
    expect(view.status).toBe('FAILED');
    expect(view.error).toEqual({ code: 'WORKER_LOST', message: expect.stringContaining('worker running this export stopped') });
    // Bounded: the heartbeat limit plus one recovery sweep, with room for a slow machine.
    expect(Date.now() - killedAt).toBeLessThan(30_000);
    expect(await listKeys(s3, 'crash-kill/')).toEqual([]);
    expect(view.storageKey).toBeNull();

    // The org is not stuck: the next export runs to the end.
    const next = (await triggerExport(api, org)).data!.triggerExport.id;
    const done = await waitForExport(api, org, next, ended, 120_000);
    expect(done.status).toBe('COMPLETED');
    expect(await listKeys(s3, 'crash-kill/')).toEqual([`crash-kill/${done.storageKey}`]);
  });
});

describe('a pending export whose job is gone', () => {
  it('ends FAILED with JOB_LOST, so the org can export again', async () => {
    const org = await exportReadyOrg(api, s3, { prefix: 'crash-orphan' });
    // What a worker leaves when it dies between taking the job and claiming the record.
    const orphan = (
      await client.query<{ id: string }>(
        "INSERT INTO data_export (id, org_id, status, trigger, job_id, created_at) VALUES (gen_random_uuid(), $1, 'PENDING', 'MANUAL', gen_random_uuid(), now() - interval '1 minute') RETURNING id",
        [org.orgId],
      )
    ).rows[0]!.id;
    expect((await triggerExport(api, org)).errors?.[0]?.extensions?.code).toBe('CONFLICT');

    await startWorker();
    const view = await waitForExport(api, org, orphan, ended, 30_000);
    expect(view).toMatchObject({ status: 'FAILED', error: { code: 'JOB_LOST' } });
    const next = (await triggerExport(api, org)).data!.triggerExport.id;
    expect((await waitForExport(api, org, next, ended, 60_000)).status).toBe('COMPLETED');
  });
});

describe('a worker stopped with SIGTERM', () => {
  it('lets the running export finish before it exits', async () => {
    const worker = await startWorker();
    const { org, id } = await runningExport('crash-term');
    expect(await worker.stop('SIGTERM')).toBe(0);
    const view = await readExport(api, org, id);
    expect(view.status).toBe('COMPLETED');
    expect(view.counts).toEqual({ teams: 2, channels: 6, users: 40, posts: 300_000 });
    expect(await listKeys(s3, 'crash-term/')).toEqual([`crash-term/${view.storageKey}`]);
  });

  it('hands the export back to the queue when shutdown time runs out, and another worker completes it', async () => {
    const worker = await startWorker({ WORKER_SHUTDOWN_SECONDS: '1' });
    const { org, id } = await runningExport('crash-handback');
    expect(await worker.stop('SIGTERM')).toBe(0);
    const handedBack = await readExport(api, org, id);
    expect(handedBack).toMatchObject({ status: 'PENDING', progress: { done: 0, expected: null } });
    expect(await listKeys(s3, 'crash-handback/')).toEqual([]);

    await startWorker();
    const view = await waitForExport(api, org, id, ended, 120_000);
    expect(view.status).toBe('COMPLETED');
    expect(await listKeys(s3, 'crash-handback/')).toEqual([`crash-handback/${view.storageKey}`]);
  });
});
