// What other packages and tests use of the API.
export { type ApiEnv, readEnv } from './env.ts';
export { schema } from './schema/index.ts';
export { type ApiOptions, createApi } from './server.ts';
export { type Platform, type PlatformOptions, createPlatform, verifyPlatformKey } from '@org-export/storage';
export { ensureFirstPlatformAdmin } from './services/accounts.ts';
export * as accounts from './services/accounts.ts';
export { type Jobs, createJobs } from './jobs.ts';
