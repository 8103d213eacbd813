// The API's configuration, read once from the environment. Bad values stop startup with a
// message that names the variable.
import { z } from 'zod';

const schema = z.object({
  DATABASE_URL: z.string().url('must be a postgresql:// URL'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  /** The built portal; served at / when it exists. */
  PORTAL_DIR: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type ApiEnv = z.infer<typeof schema>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): ApiEnv {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`).join('\n');
    throw new Error(`the API cannot start; fix these environment variables:\n${problems}`);
  }
  return parsed.data;
}
