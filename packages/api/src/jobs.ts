// What the API needs of the job system: a pg-boss handle to enqueue and schedule (it runs no
// jobs itself), a pool for the transaction that creates an export with its job, and the stream
// of export status changes workers announce with NOTIFY.
import { BOSS_SCHEMA, CHANNELS, type ExportStatusEvent, exportStatusEvent } from '@org-export/worker/contracts';
import { ensureQueues } from '@org-export/worker/enqueue';
import { createPubSub } from 'graphql-yoga';
import { PgBoss } from 'pg-boss';
import pg from 'pg';
import type { Logger } from 'pino';

export type ExportEvents = ReturnType<typeof createPubSub<{ exportStatus: [orgId: string, event: ExportStatusEvent] }>>;

export type Jobs = {
  pool: pg.Pool;
  boss: PgBoss;
  events: ExportEvents;
  close: () => Promise<void>;
};

/** How long to wait before listening again after the connection drops. */
const RELISTEN_DELAY_MS = 1000;

export async function createJobs(databaseUrl: string, logger: Logger): Promise<Jobs> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 5 });
  pool.on('error', (error) => logger.error({ message: error.message }, 'database pool error'));
  const boss = new PgBoss({ connectionString: databaseUrl, schema: BOSS_SCHEMA, supervise: false, schedule: false });
  boss.on('error', (error: Error & { code?: string }) => logger.error({ code: error.code, message: error.message }, 'job queue error'));
  await boss.start();
  await ensureQueues(boss);

  const events: ExportEvents = createPubSub();
  let listener: pg.Client | undefined;
  let closed = false;
  const listen = async (): Promise<void> => {
    const client = new pg.Client({ connectionString: databaseUrl });
    client.on('notification', (message) => {
      const parsed = exportStatusEvent.safeParse(JSON.parse(message.payload ?? 'null'));
      if (parsed.success) events.publish('exportStatus', parsed.data.orgId, parsed.data);
    });
    client.on('error', (error) => {
      logger.warn({ message: error.message }, 'lost the status notification connection; listening again');
      client.end().catch(() => {});
      if (!closed) setTimeout(() => void listen().catch(() => {}), RELISTEN_DELAY_MS);
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNELS.exportStatus}`);
    listener = client;
  };
  await listen();

  return {
    pool,
    boss,
    events,
    async close() {
      closed = true;
      await listener?.end().catch(() => {});
      await boss.stop({ graceful: false, timeout: 1000 });
      await pool.end();
    },
  };
}
