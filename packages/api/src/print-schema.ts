// Writes the schema as SDL to packages/api/schema.graphql, the contract clients type against.
// `pnpm schema:print` after changing the schema; a test fails when the file is stale.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { schemaText } from './schema-text.ts';

const file = fileURLToPath(new URL('../schema.graphql', import.meta.url));
writeFileSync(file, schemaText());
process.stdout.write(`wrote ${file}\n`);
