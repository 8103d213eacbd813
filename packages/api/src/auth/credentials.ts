// Who is calling: a bearer token or the session cookie, checked against their stored hashes.
import type { Db } from '@org-export/db';
import { unauthenticated } from '../errors.ts';
import { SESSION_COOKIE, readCookie } from './cookies.ts';
import { hashSecret } from './tokens.ts';

export type Viewer = {
  id: string;
  email: string;
  isPlatformAdmin: boolean;
  /** How the request authenticated. */
  via: { kind: 'session'; sessionId: string } | { kind: 'token'; tokenId: string };
};

/** lastUsedAt is written at most this often per token, not on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Resolves the caller. A bearer token that is unknown, expired or revoked is an error (a script
 * should hear why it failed); a stale session cookie just means "signed out".
 */
export async function resolveViewer(db: Db, headers: Headers, now = new Date()): Promise<Viewer | null> {
  const authorization = headers.get('authorization');
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match?.[1]) throw unauthenticated('The Authorization header must be "Bearer <token>".');
    const token = await db.apiToken.findUnique({ where: { tokenHash: hashSecret(match[1]) }, include: { account: true } });
    if (!token) throw unauthenticated('This API token is not valid.');
    if (token.revokedAt) throw unauthenticated(`This API token ("${token.name}") was revoked.`);
    if (token.expiresAt && token.expiresAt <= now) throw unauthenticated(`This API token ("${token.name}") expired at ${token.expiresAt.toISOString()}.`);
    if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await db.apiToken.update({ where: { id: token.id }, data: { lastUsedAt: now } });
    }
    return { id: token.account.id, email: token.account.email, isPlatformAdmin: token.account.isPlatformAdmin, via: { kind: 'token', tokenId: token.id } };
  }
  const cookie = readCookie(headers.get('cookie'), SESSION_COOKIE);
  if (!cookie) return null;
  const session = await db.session.findUnique({ where: { tokenHash: hashSecret(cookie) }, include: { account: true } });
  if (!session || session.expiresAt <= now) return null;
  return { id: session.account.id, email: session.account.email, isPlatformAdmin: session.account.isPlatformAdmin, via: { kind: 'session', sessionId: session.id } };
}
