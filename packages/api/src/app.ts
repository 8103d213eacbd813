// What other packages and tests use of the API.
export { type ApiEnv, readEnv } from './env.ts';
export { buildSchema } from './schema.ts';
export { type ApiOptions, createApi } from './server.ts';
