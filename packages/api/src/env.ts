// The API's configuration, read once from the environment. Every problem is reported at once,
// each naming its variable.
import { z } from 'zod';
import { parsePlatformKey } from '@org-export/storage';

const schema = z.object({
  DATABASE_URL: z.string().url('must be a postgresql:// URL'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  /** Base64 of 32 random bytes; seals storage secrets and signs local download links. */
  PLATFORM_KEY: z.string({ error: 'is required: 32 random bytes in base64 (openssl rand -base64 32)' }),
  /** Local-directory storage for orgs without S3; off when unset. */
  STORAGE_DIR: z.string().optional(),
  /** Where browsers reach this API; defaults to http://HOST:PORT. */
  PUBLIC_URL: z.string().url().optional(),
  /** Mark the session cookie Secure (set it when the API is served over HTTPS). */
  COOKIE_SECURE: z.enum(['true', 'false']).default('false').transform((value) => value === 'true'),
  /** The built portal; served at / when it exists. */
  PORTAL_DIR: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type ApiEnv = Omit<z.infer<typeof schema>, 'PLATFORM_KEY'> & { PLATFORM_KEY: Buffer };

export function readEnv(source: NodeJS.ProcessEnv = process.env): ApiEnv {
  const parsed = schema.safeParse(source);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  let key: Buffer | undefined;
  if (parsed.success) {
    try {
      key = parsePlatformKey(parsed.data.PLATFORM_KEY);
    } catch (error) {
      problems.push(`  PLATFORM_KEY: ${(error as Error).message}`);
    }
  }
  if (problems.length > 0 || !parsed.success || !key) throw new Error(`the API cannot start; fix these environment variables:\n${problems.join('\n')}`);
  return { ...parsed.data, PLATFORM_KEY: key };
}
