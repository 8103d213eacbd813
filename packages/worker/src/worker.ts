// The worker: one pg-boss instance, the queues, and the handlers bound to them. Handlers are a
// few lines that call the export services; shutdown lets running exports finish.
import { type Platform, openOrgStorageByQuery } from '@org-export/storage';
import { PgBoss } from 'pg-boss';
import pg from 'pg';
import type { Logger } from 'pino';
import { BOSS_SCHEMA, EXPORT_QUEUE_OPTIONS, QUEUES, exportRunPayload, exportScheduledPayload } from './contracts.ts';
import { ensureQueues, handBackExport, reconcileExportSchedules } from './enqueue.ts';
import { databaseSocket } from './exports/direct-read-socket.ts';
import { recoverLostExports } from './exports/recover.ts';
import { runExport } from './exports/run-export.ts';
import { runScheduledTick } from './exports/scheduled.ts';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

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
  /** How often due schedules are looked for, in seconds (pg-boss's cron pass); 30 by default. */
  scheduleCheckSeconds?: number;
  /** At most this many rows a second per export; unlimited when not given. */
  maxRowsPerSecond?: number;
};

export type Worker = { stop: () => Promise<void>; boss: PgBoss; pool: pg.Pool };

export async function startWorker(options: WorkerOptions): Promise<Worker> {
  const { logger } = options;
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 6, stream: databaseSocket });
  pool.on('error', (error) => logger.error({ message: error.message }, 'database pool error'));
  // node-postgres only: Prisma's client would add some 50 MB to every worker.
  const openStorage = (orgId: string) => openOrgStorageByQuery(pool, options.platform, orgId);

  const scheduleCheck = options.scheduleCheckSeconds ? { cronMonitorIntervalSeconds: options.scheduleCheckSeconds, cronWorkerIntervalSeconds: options.scheduleCheckSeconds } : {};
  const boss = new PgBoss({ connectionString: options.databaseUrl, schema: BOSS_SCHEMA, ...scheduleCheck });
  // pg errors carry their whole client; log only what a reader needs.
  boss.on('error', (error: Error & { code?: string }) => logger.error({ code: error.code, message: error.message }, 'job queue error'));
  await boss.start();
  await ensureQueues(boss);
  await reconcileExportSchedules(pool, boss);

  const deps = { pool, openStorage, logger, version: options.version, maxRowsPerSecond: options.maxRowsPerSecond };
  const lostAfterMs = options.lostAfterMs ?? 30_000;
  await recoverLostExports(deps, lostAfterMs);
  const recovery = setInterval(() => {
    recoverLostExports(deps, lostAfterMs).catch((error: unknown) => logger.error({ message: String(error) }, 'lost-export recovery failed'));
  }, options.recoveryIntervalMs ?? 10_000);

  // Half a second between polls: a pressed button should start moving at once.
  /** Exports this process is running, so that shutdown knows what to wait for or hand back. */
  const active = new Map<string, Promise<void>>();
  await boss.work(QUEUES.exportRun, { heartbeatRefreshSeconds: EXPORT_QUEUE_OPTIONS.heartbeatSeconds / 2, pollingIntervalSeconds: 0.5 }, async ([job]) => {
    if (!job) return;
    const { exportId } = exportRunPayload.parse(job.data);
    const run = runExport(deps, exportId);
    active.set(exportId, run);
    try {
      await run;
    } finally {
      active.delete(exportId);
    }
  });
  await boss.work(QUEUES.exportScheduled, async ([job]) => {
    if (!job) return;
    const { orgId } = exportScheduledPayload.parse(job.data);
    await runScheduledTick({ pool, boss, logger }, orgId);
  });
  logger.info('worker ready');

  return {
    boss,
    pool,
    async stop() {
      clearInterval(recovery);
      // Take no new jobs; let the running exports finish within the shutdown time.
      await boss.offWork(QUEUES.exportRun, { wait: false });
      await boss.offWork(QUEUES.exportScheduled, { wait: false });
      const settled = Promise.allSettled(active.values());
      const finished = await Promise.race([settled.then(() => true), sleep(options.shutdownTimeoutMs ?? 60_000).then(() => false)]);
      if (!finished) {
        // Out of time: give what still runs back to the queue for another worker to start over.
        for (const exportId of active.keys()) {
          const handedBack = await handBackExport(pool, boss, exportId).catch((error: unknown) => {
            logger.error({ exportId, message: String(error) }, 'could not hand the export back; recovery will end it as WORKER_LOST');
            return false;
          });
          if (handedBack) logger.warn({ exportId }, 'shutdown time ran out; export handed back to the queue');
        }
        // The runners notice within a tick and abort their uploads.
        await Promise.race([settled, sleep(10_000)]);
      }
      await boss.stop({ graceful: false, timeout: 1000 });
      await pool.end();
    },
  };
}
