// The GraphQL schema: every type and field of the API, built in one place.
import type { Db } from '@org-export/db';
import { createBuilder } from './builder.ts';
import { VERSION } from './version.ts';

export function buildSchema(db: Db) {
  const builder = createBuilder(db);

  const ServiceVersion = builder.objectRef<{ version: string; node: string }>('ServiceVersion').implement({
    description: 'What is answering: this service and the runtime under it.',
    fields: (t) => ({
      version: t.exposeString('version', { description: 'The service version, from the root package.json.' }),
      node: t.exposeString('node', { description: 'The Node.js version of the API process.' }),
    }),
  });

  builder.queryType({
    fields: (t) => ({
      version: t.field({ type: ServiceVersion, description: 'The running service version; needs no sign-in.', resolve: () => ({ version: VERSION, node: process.versions.node }) }),
    }),
  });

  return builder.toSchema({ sortSchema: true });
}
