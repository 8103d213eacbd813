// Starts the worker process and stops it gracefully on SIGTERM: running jobs finish or go back.
import { pino } from 'pino';
import { readEnv } from './env.ts';
import { startWorker } from './worker.ts';

const env = readEnv();
const logger = pino({ name: 'worker', level: env.LOG_LEVEL });
const worker = await startWorker({ databaseUrl: env.DATABASE_URL, logger });

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'worker stopping');
    void worker.stop().then(() => process.exit(0));
  });
}
