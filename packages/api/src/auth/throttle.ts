// Slows down password guessing: after a few failures for one email, each further attempt must
// wait, doubling up to a quarter of an hour. Keyed by the email as typed (lower-cased), so the
// answer is the same whether or not an account has it.
import type { Db } from '@org-export/db';
import { AppError } from '../errors.ts';

const FREE_FAILURES = 5;
const MAX_WAIT_SECONDS = 15 * 60;

const keyFor = (email: string) => `email:${email}`;

export async function assertNotThrottled(db: Db, email: string, now = new Date()): Promise<void> {
  const row = await db.signInThrottle.findUnique({ where: { key: keyFor(email) } });
  if (row?.lockedUntil && row.lockedUntil > now) {
    const retryAfterSeconds = Math.ceil((row.lockedUntil.getTime() - now.getTime()) / 1000);
    throw new AppError('TOO_MANY_ATTEMPTS', `Too many failed sign-ins for this email. Try again in ${retryAfterSeconds} s.`, { retryAfterSeconds });
  }
}

export async function recordFailure(db: Db, email: string, now = new Date()): Promise<void> {
  const key = keyFor(email);
  const row = await db.signInThrottle.upsert({ where: { key }, create: { key, failures: 1 }, update: { failures: { increment: 1 } } });
  if (row.failures >= FREE_FAILURES) {
    const wait = Math.min(2 ** (row.failures - FREE_FAILURES), MAX_WAIT_SECONDS);
    await db.signInThrottle.update({ where: { key }, data: { lockedUntil: new Date(now.getTime() + wait * 1000) } });
  }
}

export async function clearFailures(db: Db, email: string): Promise<void> {
  await db.signInThrottle.deleteMany({ where: { key: keyFor(email) } });
}
