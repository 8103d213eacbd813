// Scheduled exports: the presets become pg-boss schedules, a tick while an export runs is skipped
// and recorded, and turning the module off stops the ticks. The short schedule is a rule that
// fires every two seconds, run by a worker that looks for due schedules every second.
import { createTestApi, type TestApi, type TestAccount } from '@org-export/api/testing';
import { type TestS3Server, startTestS3Server } from '@org-export/storage/testing';
import { type Worker, startWorker } from '@org-export/worker';
import { QUEUES, SCHEDULE_CRON } from '@org-export/worker/contracts';
import { syncExportSchedule } from '@org-export/worker/enqueue';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExportOrg, ended, exportReadyOrg, fillOrg, waitForExport } from './support/exports.ts';

let api: TestApi;
let s3: TestS3Server;
let worker: Worker;
let client: pg.Client;
let platformAdmin: TestAccount;

beforeAll(async () => {
  api = await createTestApi();
  s3 = await startTestS3Server('schedule-bucket');
  worker = await startWorker({ databaseUrl: api.databaseUrl, platform: api.platform, logger: pino({ level: 'silent' }), version: '0.1.0', scheduleCheckSeconds: 1 });
  client = new pg.Client({ connectionString: api.databaseUrl });
  await client.connect();
  platformAdmin = await api.account({ platformAdmin: true });
});

afterAll(async () => {
  await client?.end();
  await worker?.stop();
  await s3?.stop();
  await api?.close();
});

async function scheduleOf(orgId: string): Promise<string | null> {
  const schedules = await api.jobs.boss.getSchedules(QUEUES.exportScheduled, orgId);
  return schedules[0]?.cron ?? null;
}

async function setSchedule(orgId: string, preset: string): Promise<void> {
  const result = await api.execute('mutation($orgId: ID!, $preset: ExportSchedulePreset!) { setExportSchedule(orgId: $orgId, preset: $preset) { id } }', { orgId, preset }, { token: platformAdmin.token });
  expect(result.errors).toBeUndefined();
}

async function setModule(orgId: string, enabled: boolean): Promise<void> {
  const result = await api.execute('mutation($orgId: ID!, $enabled: Boolean!) { setModuleEnabled(orgId: $orgId, module: DATA_EXPORT, enabled: $enabled) { id } }', { orgId, enabled }, { token: platformAdmin.token });
  expect(result.errors).toBeUndefined();
}

async function scheduledTicks(orgId: string): Promise<number> {
  const { rows } = await client.query<{ count: number }>("SELECT count(*)::int AS count FROM pgboss.job WHERE name = $1 AND data->>'orgId' = $2", [QUEUES.exportScheduled, orgId]);
  return rows[0]!.count;
}

async function until<T>(read: () => Promise<T>, ready: (value: T) => boolean, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ready(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms (last: ${JSON.stringify(value)})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('export schedules', () => {
  it('registers each preset as a pg-boss schedule while the module is on, and removes it otherwise', async () => {
    const org = await api.org();
    await setSchedule(org.id, 'DAILY');
    // The module is off by default: nothing is scheduled yet.
    expect(await scheduleOf(org.id)).toBeNull();
    await setModule(org.id, true);
    expect(await scheduleOf(org.id)).toBe(SCHEDULE_CRON.DAILY);
    await setSchedule(org.id, 'EVERY_12_HOURS');
    expect(await scheduleOf(org.id)).toBe(SCHEDULE_CRON.EVERY_12_HOURS);
    await setSchedule(org.id, 'WEEKLY');
    expect(await scheduleOf(org.id)).toBe(SCHEDULE_CRON.WEEKLY);
    await setModule(org.id, false);
    expect(await scheduleOf(org.id)).toBeNull();
    await setModule(org.id, true);
    expect(await scheduleOf(org.id)).toBe(SCHEDULE_CRON.WEEKLY);
    await setSchedule(org.id, 'DISABLED');
    expect(await scheduleOf(org.id)).toBeNull();
  });

  it('runs a short schedule, skips and records a tick while an export runs, and stops when the module is turned off', async () => {
    const org: ExportOrg = await exportReadyOrg(api, s3, { prefix: 'scheduled' });
    // Big enough that the first scheduled export is still running at the next tick.
    await fillOrg(client, org, { teams: 2, channels: 4, users: 30, posts: 300_000, seed: 31 });
    await setSchedule(org.orgId, 'DAILY');
    await syncExportSchedule(api.jobs.boss, { id: org.orgId, exportSchedule: 'DAILY', moduleEnabled: true }, 'FREQ=SECONDLY;INTERVAL=2');

    const first = await until(
      () => api.db.dataExport.findFirst({ where: { orgId: org.orgId, trigger: 'SCHEDULED' } }),
      (row) => row !== null,
      'a scheduled export',
    );
    const skipped = await until(
      () => api.db.auditEvent.findMany({ where: { orgId: org.orgId, action: 'export.schedule_skipped' } }),
      (rows) => rows.length > 0,
      'a skipped tick',
    );
    expect(skipped[0]).toMatchObject({ targetType: 'DataExport', targetId: first!.id, details: { reason: 'another export was pending or running', preset: 'DAILY' } });
    // The export the schedule started runs to the end and says it was scheduled.
    const done = await waitForExport(api, org, first!.id, ended, 120_000);
    expect(done).toMatchObject({ status: 'COMPLETED', trigger: 'SCHEDULED', requestedBy: null });

    await setModule(org.orgId, false);
    expect(await scheduleOf(org.orgId)).toBeNull();
    const ticks = await scheduledTicks(org.orgId);
    // Absence takes waiting: three periods of the rule without a single new tick.
    await new Promise((resolve) => setTimeout(resolve, 6000));
    expect(await scheduledTicks(org.orgId)).toBe(ticks);
    // Whatever the ticks started before that runs to its end; none is left pending.
    for (const record of await api.db.dataExport.findMany({ where: { orgId: org.orgId } })) {
      expect((await until(() => api.db.dataExport.findUniqueOrThrow({ where: { id: record.id } }), (row) => row.finishedAt !== null, 'the end of a scheduled export', 120_000)).status).toBe('COMPLETED');
    }
  });
});
