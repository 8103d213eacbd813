// The one Pothos schema builder: plugins (scope-auth first), scopes, scalars. Types and fields
// live in schema/, one file per domain type.
import SchemaBuilder from '@pothos/core';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin, { type AuthFailure, AuthScopeFailureType } from '@pothos/plugin-scope-auth';
import type PrismaTypes from '@org-export/db/pothos-types';
import { getDatamodel } from '@org-export/db/pothos-types';
import type { Context } from './context.ts';
import { forbidden, unauthenticated } from './errors.ts';

/**
 * The permission model, checked by scope-auth before any resolver runs:
 * - platformAdmin: the account is a platform admin;
 * - orgAdmin(orgId): the account is ORG_ADMIN of that org;
 * - orgMember(orgId): the account holds any role in that org;
 * - dataExport(orgId): orgAdmin, and the org's Data Export module is on.
 */
type AuthScopes = {
  signedIn: boolean;
  platformAdmin: boolean;
  orgAdmin: string;
  orgMember: string;
  dataExport: string;
};

export type Types = {
  Context: Context;
  PrismaTypes: PrismaTypes;
  AuthScopes: AuthScopes;
  DefaultFieldNullability: false;
  DefaultInputFieldRequiredness: true;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    /** Counts and byte sizes: exact integers up to 2^53. */
    SafeInt: { Input: number; Output: number | bigint };
    JSON: { Input: unknown; Output: unknown };
  };
};

/** Finds an error a scope loader threw on purpose (such as "the module is off") and raises it. */
function throwFirstError(failure: AuthFailure): void {
  if ('error' in failure && failure.error) throw failure.error;
  if (failure.kind === AuthScopeFailureType.AnyAuthScopes || failure.kind === AuthScopeFailureType.AllAuthScopes) {
    for (const child of failure.failures) throwFirstError(child);
  }
}

export const builder = new SchemaBuilder<Types>({
  plugins: [ScopeAuthPlugin, PrismaPlugin, RelayPlugin],
  defaultFieldNullability: false,
  defaultInputFieldRequiredness: true,
  prisma: { client: (context) => context.db, dmmf: getDatamodel(), filterConnectionTotalCount: true, onUnusedQuery: null },
  relay: { clientMutationId: 'omit', cursorType: 'String', nodeQueryOptions: false, nodesQueryOptions: false },
  scopeAuth: {
    authorizeOnSubscribe: true,
    treatErrorsAsUnauthorized: true,
    unauthorizedError: (_parent, context, info, result) => {
      if (!context.viewer) return unauthenticated();
      throwFirstError(result.failure);
      return forbidden(`Your role does not allow ${info.parentType.name}.${info.fieldName}.`);
    },
    authScopes: (context) => ({
      signedIn: context.viewer !== null,
      platformAdmin: context.viewer?.isPlatformAdmin ?? false,
      orgAdmin: async (orgId) => (await context.roleIn(orgId)) === 'ORG_ADMIN',
      orgMember: async (orgId) => (await context.roleIn(orgId)) !== null,
      dataExport: async (orgId) => {
        if ((await context.roleIn(orgId)) !== 'ORG_ADMIN') return false;
        if (!(await context.moduleEnabled(orgId))) {
          throw forbidden('The Data Export module is turned off for this org. A platform admin can turn it on.');
        }
        return true;
      },
    }),
  },
});
