// The README is what a newcomer copies first: each GraphQL example must be valid against the
// schema the API serves, and its worker command must carry the flags the worker is started with.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type GraphQLObjectType, buildSchema, parse, validate } from 'graphql';
import { WORKER_NODE_FLAGS } from '@org-export/worker/runtime';
import { describe, expect, it } from 'vitest';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const schema = buildSchema(readFileSync(join(root, 'packages/api/schema.graphql'), 'utf8'));
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** Every operation in the README's graphql blocks: one per line that starts one. */
function examples(): string[] {
  const blocks = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1]!);
  const operations: string[] = [];
  for (const block of blocks) {
    let current = '';
    for (const line of block.split('\n')) {
      if (line.startsWith('#')) continue;
      if (/^(query|mutation|subscription)\b/.test(line) && current.trim()) {
        operations.push(current);
        current = '';
      }
      current += line.replace(/\s+#.*$/, '') + '\n';
    }
    if (current.trim()) operations.push(current);
  }
  return operations;
}

describe('README', () => {
  const operations = examples();

  it('shows an example of every query, mutation and subscription', () => {
    const fields = (name: 'Query' | 'Mutation' | 'Subscription') => Object.keys((schema.getType(name) as GraphQLObjectType).getFields());
    const used = new Set(operations.map((operation) => /^\s*(?:query|mutation|subscription)[^{]*\{\s*(\w+)/.exec(operation)?.[1]));
    const missing = [...fields('Query'), ...fields('Mutation'), ...fields('Subscription')].filter((field) => !used.has(field));
    expect(missing).toEqual([]);
  });

  it.each(operations.map((operation) => [operation.trim().split('\n')[0]!.slice(0, 70), operation]))('%s is valid against the schema', (_name, operation) => {
    expect(validate(schema, parse(operation)).map((error) => error.message)).toEqual([]);
  });

  it('starts a worker with the flags ./run start gives it, as does the worker package', () => {
    const command = /`(node [^`]*packages\/worker\/src\/main\.ts)`/.exec(readme)?.[1] ?? '';
    const start = (JSON.parse(readFileSync(join(root, 'packages/worker/package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
    for (const flag of WORKER_NODE_FLAGS) {
      expect(command, 'the README').toContain(flag);
      expect(start, 'packages/worker start').toContain(flag);
    }
  });
});
