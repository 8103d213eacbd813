// The committed schema.graphql is what the code builds, so clients never type against a stale
// contract.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { schemaText } from './schema-text.ts';

it('matches packages/api/schema.graphql (run pnpm schema:print after changing the schema)', () => {
  const committed = readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');
  expect(schemaText()).toBe(committed);
});
