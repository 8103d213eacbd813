// Imports every part of the schema, then builds it.
import { builder } from '../builder.ts';
import './scalars.ts';
import './enums.ts';
import './account.ts';
import './org.ts';
import './storage.ts';
import './platform.ts';
import './audit.ts';
import './exports.ts';
import { VERSION } from '../version.ts';

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
builder.mutationType({});
builder.subscriptionType({});

export const schema = builder.toSchema({ sortSchema: true });
