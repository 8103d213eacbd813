import { createRequire } from 'node:module';
import { defineProject } from 'vitest/config';

export default defineProject({
  // See packages/api/vitest.config.ts: one graphql module for our code and graphql-yoga.
  resolve: { alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') }] },
  test: { name: 'e2e', testTimeout: 180_000, hookTimeout: 180_000 },
});
