// Starts the worker process and stops it gracefully on SIGTERM: running exports finish first.
import { createPlatform, parsePlatformKey } from '@org-export/storage';
import { pino } from 'pino';
import { readEnv } from './env.ts';
import { startWorker } from './worker.ts';
import { VERSION } from './version.ts';

let env;
let platformKey;
try {
  env = readEnv();
  platformKey = parsePlatformKey(env.PLATFORM_KEY);
} catch (error) {
  process.stderr.write(`the worker cannot start: ${(error as Error).message}\n`);
  process.exit(1);
}
const logger = pino({ name: 'worker', level: env.LOG_LEVEL });
const platform = createPlatform({ platformKey, storageDir: env.STORAGE_DIR, publicUrl: env.PUBLIC_URL ?? 'http://127.0.0.1:4000', secureCookies: false });
const worker = await startWorker({ databaseUrl: env.DATABASE_URL, platform, logger, version: VERSION, lostAfterMs: env.EXPORT_LOST_AFTER_SECONDS * 1000, recoveryIntervalMs: Math.min(10_000, env.EXPORT_LOST_AFTER_SECONDS * 500), shutdownTimeoutMs: env.WORKER_SHUTDOWN_SECONDS * 1000, maxRowsPerSecond: env.EXPORT_MAX_ROWS_PER_SECOND });

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'worker stopping; running exports finish first');
    void worker.stop().then(() => process.exit(0));
  });
}
