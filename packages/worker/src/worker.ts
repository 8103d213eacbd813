// The worker: a pg-boss instance and the handlers it runs. Later issues register the jobs.
import { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';

export type WorkerOptions = { databaseUrl: string; logger: Logger };

export async function startWorker({ databaseUrl, logger }: WorkerOptions): Promise<{ stop: () => Promise<void> }> {
  const boss = new PgBoss({ connectionString: databaseUrl, schema: 'pgboss' });
  // pg errors carry their whole client; log only what a reader needs.
  boss.on('error', (error: Error & { code?: string }) => logger.error({ code: error.code, message: error.message }, 'job queue error'));
  await boss.start();
  logger.info('worker ready');
  return {
    async stop() {
      await boss.stop({ graceful: true, timeout: 30_000 });
    },
  };
}
