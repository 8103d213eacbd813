// Ends exports whose worker died. A RUNNING export whose heartbeat is older than `staleMs` has
// no live worker (the runner beats every second): its upload is aborted, so no object that looks
// complete is left, and it ends FAILED with a reason a person understands.
import type { ObjectStorage } from '@org-export/storage';
import type pg from 'pg';
import type { Logger } from 'pino';
import { BOSS_SCHEMA } from '../contracts.ts';
import { notifyExport } from './run-export.ts';

export const WORKER_LOST_MESSAGE =
  'The worker running this export stopped (it crashed or was killed) before the file was complete. Nothing was left in storage; trigger the export again.';

export async function recoverLostExports(deps: { pool: pg.Pool; openStorage: (orgId: string) => Promise<ObjectStorage>; logger: Logger }, staleMs = 30_000): Promise<number> {
  const { rows } = await deps.pool.query<{ id: string; org_id: string; upload_id: string | null; storage_key: string | null }>(
    `SELECT id, org_id, upload_id, storage_key FROM data_export
      WHERE status = 'RUNNING' AND (heartbeat_at IS NULL OR heartbeat_at < now() - make_interval(secs => $1::double precision / 1000))`,
    [staleMs],
  );
  for (const row of rows) {
    if (row.upload_id && row.storage_key) {
      try {
        const storage = await deps.openStorage(row.org_id);
        await storage.abortMultipartUpload(row.storage_key, row.upload_id);
      } catch (error) {
        deps.logger.warn({ exportId: row.id, err: String(error) }, 'could not abort the lost upload; the bucket may keep its parts until a lifecycle rule removes them');
      }
    }
    const ended = await deps.pool.query(
      `UPDATE data_export SET status = 'FAILED', finished_at = now(), error_code = 'WORKER_LOST', error_message = $2, upload_id = NULL, storage_key = NULL, heartbeat_at = NULL
        WHERE id = $1 AND status = 'RUNNING' AND (heartbeat_at IS NULL OR heartbeat_at < now() - make_interval(secs => $3::double precision / 1000))`,
      [row.id, WORKER_LOST_MESSAGE, staleMs],
    );
    if (ended.rowCount) {
      deps.logger.warn({ exportId: row.id }, 'export lost its worker; marked FAILED');
      await notifyExport(deps.pool, row.id);
    }
  }
  return rows.length + (await recoverOrphanedExports(deps, staleMs));
}

export const JOB_LOST_MESSAGE = 'The job that was to run this export ended before a worker started it (its worker was stopped or killed). Trigger the export again.';

/**
 * Ends PENDING exports whose job can no longer run them: a worker took the job and died before
 * it claimed the record. Without this the org could never export again, since one export may be
 * pending at a time.
 */
async function recoverOrphanedExports(deps: { pool: pg.Pool; logger: Logger }, staleMs: number): Promise<number> {
  const { rows } = await deps.pool.query<{ id: string; org_id: string }>(
    `UPDATE data_export d SET status = 'FAILED', finished_at = now(), error_code = 'JOB_LOST', error_message = $2
      WHERE d.status = 'PENDING' AND d.created_at < now() - make_interval(secs => $1::double precision / 1000)
        AND NOT EXISTS (SELECT 1 FROM ${BOSS_SCHEMA}.job j WHERE j.id = d.job_id AND j.state IN ('created', 'retry', 'active'))
      RETURNING d.id, d.org_id`,
    [staleMs, JOB_LOST_MESSAGE],
  );
  for (const row of rows) {
    deps.logger.warn({ exportId: row.id }, 'pending export lost its job; marked FAILED');
    await notifyExport(deps.pool, row.id);
  }
  return rows.length;
}
