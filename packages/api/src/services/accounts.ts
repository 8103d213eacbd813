// Accounts, orgs, memberships and tokens made outside GraphQL: the first platform admin at
// start, and the admin CLI for scripts.
import { randomBytes } from 'node:crypto';
import type { Db, OrgRole } from '@org-export/db';
import { hashPassword } from '../auth/password.ts';
import { hashSecret, newApiToken } from '../auth/tokens.ts';
import { audit } from './audit.ts';

// example.com is reserved for documentation, so this address never reaches anyone.
export const FIRST_ADMIN_EMAIL = 'admin@example.com';

/** Creates a platform admin when there is none; returns its password only when it made one. */
export async function ensureFirstPlatformAdmin(db: Db, email = FIRST_ADMIN_EMAIL): Promise<{ email: string; password: string } | { email: string; password: null }> {
  const existing = await db.account.findFirst({ where: { isPlatformAdmin: true }, orderBy: { createdAt: 'asc' } });
  if (existing) return { email: existing.email, password: null };
  const password = randomBytes(12).toString('base64url');
  const account = await db.account.create({ data: { email, passwordHash: await hashPassword(password), isPlatformAdmin: true, displayName: 'Platform admin' } });
  await audit(db, { actorId: account.id, action: 'account.created', targetType: 'Account', targetId: account.id, details: { email, platformAdmin: true, by: 'first start' } });
  return { email, password };
}

export async function createAccount(db: Db, input: { email: string; password: string; platformAdmin?: boolean; displayName?: string }) {
  const email = input.email.trim().toLowerCase();
  const account = await db.account.create({
    data: { email, passwordHash: await hashPassword(input.password), isPlatformAdmin: input.platformAdmin ?? false, displayName: input.displayName ?? null },
  });
  await audit(db, { actorId: null, action: 'account.created', targetType: 'Account', targetId: account.id, details: { email, platformAdmin: account.isPlatformAdmin, by: 'admin cli' } });
  return account;
}

export async function setPassword(db: Db, email: string, password: string) {
  return db.account.update({ where: { email: email.trim().toLowerCase() }, data: { passwordHash: await hashPassword(password) } });
}

export async function createOrg(db: Db, slug: string, name: string) {
  const org = await db.org.create({ data: { slug, name } });
  await audit(db, { orgId: org.id, action: 'org.created', targetType: 'Org', targetId: org.id, details: { slug, name, by: 'admin cli' } });
  return org;
}

export async function addMember(db: Db, orgSlug: string, email: string, role: OrgRole) {
  const org = await db.org.findUniqueOrThrow({ where: { slug: orgSlug } });
  const account = await db.account.findUniqueOrThrow({ where: { email: email.trim().toLowerCase() } });
  const membership = await db.membership.upsert({
    where: { orgId_accountId: { orgId: org.id, accountId: account.id } },
    create: { orgId: org.id, accountId: account.id, role },
    update: { role },
  });
  await audit(db, { orgId: org.id, action: 'member.set', targetType: 'Account', targetId: account.id, details: { email: account.email, role, by: 'admin cli' } });
  return membership;
}

export async function createToken(db: Db, email: string, name: string, expiresAt?: Date) {
  const account = await db.account.findUniqueOrThrow({ where: { email: email.trim().toLowerCase() } });
  const token = newApiToken();
  const row = await db.apiToken.create({ data: { accountId: account.id, name, tokenHash: hashSecret(token), expiresAt: expiresAt ?? null } });
  await audit(db, { actorId: account.id, action: 'token.created', targetType: 'ApiToken', targetId: row.id, details: { name, by: 'admin cli' } });
  return { token, id: row.id };
}
