// The README's GraphQL examples are what a newcomer copies first: each must be valid against the
// schema the API serves.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type GraphQLObjectType, buildSchema, parse, validate } from 'graphql';
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
});
