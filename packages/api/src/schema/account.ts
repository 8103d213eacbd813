// Accounts, memberships, sign-in and API tokens.
import { z } from 'zod';
import { DUMMY_HASH, verifyPassword } from '../auth/password.ts';
import { clearedSessionCookie, SESSION_DAYS, sessionCookie } from '../auth/cookies.ts';
import { assertNotThrottled, clearFailures, recordFailure } from '../auth/throttle.ts';
import { hashSecret, newApiToken, newSessionSecret } from '../auth/tokens.ts';
import { builder } from '../builder.ts';
import { AppError, notFound, unauthenticated } from '../errors.ts';
import { email, label, parseInput, uuid } from '../input.ts';
import { audit } from '../services/audit.ts';
import { OrgRoleEnum } from './enums.ts';

export const AccountType = builder.prismaObject('Account', {
  description: 'Someone who signs in to the portal or calls the API.',
  fields: (t) => ({
    id: t.exposeID('id'),
    email: t.exposeString('email'),
    displayName: t.exposeString('displayName', { nullable: true }),
    isPlatformAdmin: t.exposeBoolean('isPlatformAdmin'),
    memberships: t.relation('memberships', { description: 'The orgs this account belongs to, with its role in each.' }),
    apiTokens: t.relation('apiTokens', {
      description: "This account's API tokens, newest first; only the account itself sees them.",
      authScopes: (account, _args, context) => context.viewer?.id === account.id,
      query: { orderBy: { createdAt: 'desc' } },
    }),
  }),
});

builder.prismaObject('Membership', {
  fields: (t) => ({
    id: t.exposeID('id'),
    role: t.expose('role', { type: OrgRoleEnum }),
    org: t.relation('org'),
    account: t.relation('account'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

export const ApiTokenType = builder.prismaObject('ApiToken', {
  description: 'A personal access token. Its secret is shown once, when it is created.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
  }),
});

const CreateApiTokenPayload = builder.objectRef<{ token: string; apiTokenId: string }>('CreateApiTokenPayload').implement({
  fields: (t) => ({
    token: t.exposeString('token', { description: 'The secret, for "Authorization: Bearer <token>". It is never shown again.' }),
    apiToken: t.prismaField({ type: 'ApiToken', resolve: (query, payload, _args, context) => context.db.apiToken.findUniqueOrThrow({ ...query, where: { id: payload.apiTokenId } }) }),
  }),
});

builder.queryField('viewer', (t) =>
  t.prismaField({
    type: 'Account',
    description: 'The signed-in account.',
    authScopes: { signedIn: true },
    resolve: (query, _root, _args, context) => context.db.account.findUniqueOrThrow({ ...query, where: { id: context.viewer!.id } }),
  }),
);

builder.mutationField('signIn', (t) =>
  t.prismaField({
    type: 'Account',
    description: 'Signs in with email and password and sets the session cookie. A wrong email and a wrong password get the same answer.',
    args: { email: t.arg.string(), password: t.arg.string() },
    resolve: async (query, _root, args, context) => {
      const address = parseInput(email, args.email, 'email');
      const password = parseInput(z.string().min(1, 'must not be empty').max(1024, 'must be at most 1024 characters'), args.password, 'password');
      await assertNotThrottled(context.db, address);
      const account = await context.db.account.findUnique({ where: { email: address } });
      const ok = await verifyPassword(password, account?.passwordHash ?? DUMMY_HASH);
      if (!account || !account.passwordHash || !ok) {
        await recordFailure(context.db, address);
        throw unauthenticated('The email or password is not right.');
      }
      await clearFailures(context.db, address);
      const secret = newSessionSecret();
      await context.db.$transaction(async (tx) => {
        await tx.session.create({ data: { accountId: account.id, tokenHash: hashSecret(secret), expiresAt: new Date(Date.now() + SESSION_DAYS * 86_400_000) } });
        await audit(tx, { actorId: account.id, action: 'auth.signed_in', targetType: 'Account', targetId: account.id });
      });
      context.setCookie(sessionCookie(secret, context.platform.secureCookies));
      return context.db.account.findUniqueOrThrow({ ...query, where: { id: account.id } });
    },
  }),
);

builder.mutationField('signOut', (t) =>
  t.boolean({
    description: 'Ends the current portal session. True when a session was ended.',
    resolve: async (_root, _args, context) => {
      context.setCookie(clearedSessionCookie(context.platform.secureCookies));
      if (context.viewer?.via.kind !== 'session') return false;
      await context.db.session.deleteMany({ where: { id: context.viewer.via.sessionId } });
      return true;
    },
  }),
);

builder.mutationField('createApiToken', (t) =>
  t.field({
    type: CreateApiTokenPayload,
    description: 'Creates a personal access token for scripts. The secret is in the answer, and only there.',
    authScopes: { signedIn: true },
    args: { name: t.arg.string(), expiresAt: t.arg({ type: 'DateTime', required: false }) },
    resolve: async (_root, args, context) => {
      const name = parseInput(label(100), args.name, 'name');
      if (args.expiresAt && args.expiresAt.getTime() <= Date.now()) throw new AppError('VALIDATION_FAILED', 'expiresAt: must be in the future', { field: 'expiresAt' });
      const token = newApiToken();
      const viewer = context.viewer!;
      const created = await context.db.$transaction(async (tx) => {
        const row = await tx.apiToken.create({ data: { accountId: viewer.id, name, tokenHash: hashSecret(token), expiresAt: args.expiresAt ?? null } });
        await audit(tx, { actorId: viewer.id, action: 'token.created', targetType: 'ApiToken', targetId: row.id, details: { name, expiresAt: args.expiresAt?.toISOString() ?? null } });
        return row;
      });
      return { token, apiTokenId: created.id };
    },
  }),
);

builder.mutationField('revokeApiToken', (t) =>
  t.prismaField({
    type: 'ApiToken',
    description: 'Revokes one of your API tokens; requests with it fail from now on.',
    authScopes: { signedIn: true },
    args: { id: t.arg.id() },
    resolve: async (query, _root, args, context) => {
      const id = parseInput(uuid, args.id, 'id');
      const viewer = context.viewer!;
      const token = await context.db.apiToken.findFirst({ where: { id, accountId: viewer.id } });
      if (!token) throw notFound('The API token');
      return context.db.$transaction(async (tx) => {
        const row = await tx.apiToken.update({ ...query, where: { id }, data: { revokedAt: token.revokedAt ?? new Date() } });
        if (!token.revokedAt) await audit(tx, { actorId: viewer.id, action: 'token.revoked', targetType: 'ApiToken', targetId: id, details: { name: token.name } });
        return row;
      });
    },
  }),
);
