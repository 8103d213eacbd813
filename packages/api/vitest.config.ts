import { createRequire } from 'node:module';
import { defineProject } from 'vitest/config';

export default defineProject({
  // graphql 16 ships CommonJS and ESM builds; Node loads the CommonJS one for graphql-yoga, so
  // tests must use that one too, or GraphQLError from our code is not the class yoga checks.
  resolve: { alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') }] },
  test: { name: 'api', testTimeout: 60_000, hookTimeout: 60_000 },
});
