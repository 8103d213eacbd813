// Creates an export record and its job in one transaction: there is never a record without a
// job, nor a job without a record. Used by the API (manual exports) and by the scheduled tick.
import type { PgBoss } from 'pg-boss';
import type pg from 'pg';
import { EXPORT_QUEUE_OPTIONS, NOTIFY_EXPORT_SQL, QUEUES, SCHEDULE_CRON } from './contracts.ts';

/** Another export of the org is PENDING or RUNNING (the partial unique index said so). */
export class ExportAlreadyActive extends Error {
  constructor(readonly activeExportId: string | null) {
    super('Another export of this org is pending or running. Wait for it to finish, or cancel it.');
    this.name = 'ExportAlreadyActive';
  }
}

export type EnqueueExport = {
  orgId: string;
  trigger: 'MANUAL' | 'SCHEDULED';
  requestedById?: string | null;
  until?: Date | null;
};

/** Runs `work` in one transaction on one connection: committed if it returns, rolled back if it throws. */
async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** Sends the export's job on the transaction's connection, records it, and announces the status. */
async function attachJob(client: pg.PoolClient, boss: PgBoss, exportId: string): Promise<string> {
  const jobId = await boss.send(QUEUES.exportRun, { exportId }, { db: { executeSql: (text: string, values?: unknown[]) => client.query(text, values) } });
  if (!jobId) throw new Error('the job queue did not accept the export job');
  await client.query('UPDATE data_export SET job_id = $2 WHERE id = $1', [exportId, jobId]);
  await client.query(NOTIFY_EXPORT_SQL, [exportId]);
  return jobId;
}

export async function enqueueExport(pool: pg.Pool, boss: PgBoss, input: EnqueueExport): Promise<{ exportId: string; jobId: string }> {
  return inTransaction(pool, async (client) => {
    let exportId: string;
    try {
      const inserted = await client.query<{ id: string }>(
        `INSERT INTO data_export (id, org_id, status, trigger, requested_by_id, until)
         VALUES (gen_random_uuid(), $1, 'PENDING', $2, $3, $4) RETURNING id`,
        [input.orgId, input.trigger, input.requestedById ?? null, input.until ?? null],
      );
      exportId = inserted.rows[0]!.id;
    } catch (error) {
      const { code, constraint } = error as { code?: string; constraint?: string };
      if (code !== '23505' || constraint !== 'data_export_one_active_per_org') throw error;
      await client.query('ROLLBACK');
      // The same connection: waiting for another from the pool here could starve it.
      const active = await client.query<{ id: string }>("SELECT id FROM data_export WHERE org_id = $1 AND status IN ('PENDING', 'RUNNING') LIMIT 1", [input.orgId]);
      throw new ExportAlreadyActive(active.rows[0]?.id ?? null);
    }
    return { exportId, jobId: await attachJob(client, boss, exportId) };
  });
}

/**
 * Gives a RUNNING export back to the queue: PENDING again, with a new job, in one transaction.
 * The runner that had it sees the status change at its next tick and aborts its upload. Returns
 * false when the export had already ended.
 */
export async function handBackExport(pool: pg.Pool, boss: PgBoss, exportId: string): Promise<boolean> {
  return inTransaction(pool, async (client) => {
    const reset = await client.query(
      `UPDATE data_export SET status = 'PENDING', started_at = NULL, heartbeat_at = NULL, progress_done = 0, progress_expected = NULL,
              upload_id = NULL, storage_key = NULL
        WHERE id = $1 AND status = 'RUNNING'`,
      [exportId],
    );
    if (reset.rowCount === 0) return false;
    await attachJob(client, boss, exportId);
    return true;
  });
}

/** Creates the queues both processes use; safe to call at every start. */
export async function ensureQueues(boss: PgBoss): Promise<void> {
  await boss.createQueue(QUEUES.exportRun, { ...EXPORT_QUEUE_OPTIONS });
  await boss.createQueue(QUEUES.exportScheduled, { retryLimit: 0, expireInSeconds: 300 });
}

/**
 * Makes the org's pg-boss schedule match its preset and module switch: scheduled while the Data
 * Export module is on and the preset is not DISABLED, unscheduled otherwise.
 */
export async function syncExportSchedule(boss: PgBoss, org: { id: string; exportSchedule: string; moduleEnabled: boolean }, cronOverride?: string): Promise<void> {
  const cron = cronOverride ?? SCHEDULE_CRON[org.exportSchedule as keyof typeof SCHEDULE_CRON];
  if (org.moduleEnabled && cron) await boss.schedule(QUEUES.exportScheduled, cron, { orgId: org.id }, { key: org.id, tz: 'UTC' });
  else await boss.unschedule(QUEUES.exportScheduled, org.id);
}

/**
 * Makes every org's schedule match the database, as the worker starts: a sync that failed after
 * its settings were saved, or a schedule left from an org since deleted, is put right.
 */
export async function reconcileExportSchedules(pool: pg.Pool, boss: PgBoss): Promise<void> {
  const { rows } = await pool.query<{ id: string; export_schedule: string; module_enabled: boolean }>(
    `SELECT o.id, o.export_schedule, coalesce(m.enabled, false) AS module_enabled
       FROM org o LEFT JOIN org_module m ON m.org_id = o.id AND m.module = 'DATA_EXPORT'`,
  );
  const scheduled = new Map((await boss.getSchedules(QUEUES.exportScheduled)).map((schedule) => [schedule.key, schedule.cron]));
  for (const row of rows) {
    const cron = row.module_enabled ? SCHEDULE_CRON[row.export_schedule as keyof typeof SCHEDULE_CRON] : undefined;
    if (cron && scheduled.get(row.id) !== cron) await syncExportSchedule(boss, { id: row.id, exportSchedule: row.export_schedule, moduleEnabled: true });
    if (!cron && scheduled.has(row.id)) await boss.unschedule(QUEUES.exportScheduled, row.id);
    scheduled.delete(row.id);
  }
  // What is left belongs to orgs that no longer exist.
  for (const key of scheduled.keys()) await boss.unschedule(QUEUES.exportScheduled, key);
}
