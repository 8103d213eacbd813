// Secrets handed to clients (API tokens, session cookies). Only their SHA-256 is stored: they
// are 256 random bits, so a fast hash is enough, and a database leak reveals no usable secret.
import { createHash, randomBytes } from 'node:crypto';

/** Personal access tokens start with this, so leaked ones are easy to recognise and scan for. */
export const API_TOKEN_PREFIX = 'oet_';

export function newApiToken(): string {
  return API_TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function newSessionSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSecret(secret: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(createHash('sha256').update(secret).digest());
}
