// The worker's configuration, read once from the environment.
import { z } from 'zod';

const schema = z.object({
  DATABASE_URL: z.string().url('must be a postgresql:// URL'),
  PLATFORM_KEY: z.string({ error: 'is required: 32 random bytes in base64 (openssl rand -base64 32)' }),
  STORAGE_DIR: z.string().optional(),
  PUBLIC_URL: z.string().url().optional(),
  /** A RUNNING export without a heartbeat for this long has lost its worker. */
  EXPORT_LOST_AFTER_SECONDS: z.coerce.number().int().min(2).default(30),
  /** How long SIGTERM waits for running exports before it hands them back to the queue. */
  WORKER_SHUTDOWN_SECONDS: z.coerce.number().int().min(1).default(60),
  /** At most this many rows a second per export, to spare a busy database; unlimited when unset. */
  EXPORT_MAX_ROWS_PER_SECOND: z.coerce.number().int().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type WorkerEnv = z.infer<typeof schema>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): WorkerEnv {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`).join('\n');
    throw new Error(`fix these environment variables:\n${problems}`);
  }
  return parsed.data;
}
