// The worker: one pg-boss instance, the queues, and the handlers bound to them. Handlers are a
// few lines that call the export services; shutdown lets running exports finish.
import { type Db, createDb } from '@org-export/db';
import { type Platform, openOrgStorage } from '@org-export/storage';
import { PgBoss } from 'pg-boss';
import pg from 'pg';
import type { Logger } from 'pino';
import { BOSS_SCHEMA, EXPORT_QUEUE_OPTIONS, QUEUES, exportRunPayload, exportScheduledPayload } from './contracts.ts';
import { ensureQueues } from './enqueue.ts';
import { recoverLostExports } from './exports/recover.ts';
import { runExport } from './exports/run-export.ts';
import { runScheduledTick } from './exports/scheduled.ts';

export type WorkerOptions = {
  databaseUrl: string;
  platform: Platform;
  logger: Logger;
  version: string;
  /** How long a RUNNING export may go without a heartbeat before it counts as lost. */
  lostAfterMs?: number;
  /** How often to look for lost exports. */
  recoveryIntervalMs?: number;
  /** How long SIGTERM waits for running exports. */
  shutdownTimeoutMs?: number;
};

export type Worker = { stop: () => Promise<void>; boss: PgBoss; db: Db; pool: pg.Pool };

export async function startWorker(options: WorkerOptions): Promise<Worker> {
  const { logger } = options;
  const db = createDb(options.databaseUrl, { maxConnections: 4 });
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 6 });
  pool.on('error', (error) => logger.error({ message: error.message }, 'database pool error'));
  const openStorage = (orgId: string) => openOrgStorage(db, options.platform, orgId);

  const boss = new PgBoss({ connectionString: options.databaseUrl, schema: BOSS_SCHEMA });
  // pg errors carry their whole client; log only what a reader needs.
  boss.on('error', (error: Error & { code?: string }) => logger.error({ code: error.code, message: error.message }, 'job queue error'));
  await boss.start();
  await ensureQueues(boss);

  const deps = { db, pool, openStorage, logger, version: options.version };
  const lostAfterMs = options.lostAfterMs ?? 30_000;
  await recoverLostExports(deps, lostAfterMs);
  const recovery = setInterval(() => {
    recoverLostExports(deps, lostAfterMs).catch((error: unknown) => logger.error({ message: String(error) }, 'lost-export recovery failed'));
  }, options.recoveryIntervalMs ?? 10_000);

  // Half a second between polls: a pressed button should start moving at once.
  await boss.work(QUEUES.exportRun, { heartbeatRefreshSeconds: EXPORT_QUEUE_OPTIONS.heartbeatSeconds / 2, pollingIntervalSeconds: 0.5 }, async ([job]) => {
    if (!job) return;
    const { exportId } = exportRunPayload.parse(job.data);
    await runExport(deps, exportId);
  });
  await boss.work(QUEUES.exportScheduled, async ([job]) => {
    if (!job) return;
    const { orgId } = exportScheduledPayload.parse(job.data);
    await runScheduledTick({ db, pool, boss, logger }, orgId);
  });
  logger.info('worker ready');

  return {
    boss,
    db,
    pool,
    async stop() {
      clearInterval(recovery);
      await boss.stop({ graceful: true, timeout: options.shutdownTimeoutMs ?? 60_000 });
      await pool.end();
      await db.$disconnect();
    },
  };
}
