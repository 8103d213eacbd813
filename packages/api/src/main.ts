// Starts the API process: reads the environment, listens, and shuts down cleanly on SIGTERM.
import { createDb } from '@org-export/db';
import { pino } from 'pino';
import { readEnv } from './env.ts';
import { createApi } from './server.ts';

const env = readEnv();
const logger = pino({ name: 'api', level: env.LOG_LEVEL });
const db = createDb(env.DATABASE_URL);
const api = createApi({ db, logger, portalDir: env.PORTAL_DIR });

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
    void api.close().then(() => db.$disconnect()).then(() => process.exit(0));
  });
}
