// Starts the API process: reads the environment, checks the platform key, listens, and shuts
// down cleanly on SIGTERM.
import { createDb } from '@org-export/db';
import { pino } from 'pino';
import { readEnv } from './env.ts';
import { createPlatform, verifyPlatformKey } from '@org-export/storage';
import { createJobs } from './jobs.ts';
import { createApi } from './server.ts';

let env;
try {
  env = readEnv();
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}
const logger = pino({ name: 'api', level: env.LOG_LEVEL });
const db = createDb(env.DATABASE_URL);
const platform = createPlatform({
  platformKey: env.PLATFORM_KEY,
  storageDir: env.STORAGE_DIR,
  publicUrl: env.PUBLIC_URL ?? `http://${env.HOST}:${env.PORT}`,
  secureCookies: env.COOKIE_SECURE,
});
try {
  await verifyPlatformKey(db, platform.secrets);
} catch (error) {
  logger.fatal((error as Error).message);
  process.exit(1);
}
const jobs = await createJobs(env.DATABASE_URL, logger);
const api = createApi({ db, logger, platform, jobs, portalDir: env.PORTAL_DIR });

api.server.listen(env.PORT, env.HOST, () => {
  const address = api.server.address();
  const port = typeof address === 'object' && address ? address.port : env.PORT;
  logger.info({ url: `http://${env.HOST}:${port}/` }, 'api listening');
});

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'api stopping');
    void api.close().then(() => jobs.close()).then(() => db.$disconnect()).then(() => process.exit(0));
  });
}
