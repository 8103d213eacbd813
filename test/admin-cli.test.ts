// `pnpm admin`: orgs, accounts, memberships and tokens for scripts, with clear failures.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createDb, type Db } from '@org-export/db';
import { type TestDatabase, createTestDatabase } from '@org-export/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
let database: TestDatabase;
let db: Db;

beforeAll(async () => {
  database = await createTestDatabase({ prefix: 'admincli' });
  db = createDb(database.url, { maxConnections: 2 });
});
afterAll(async () => {
  await db?.$disconnect();
  await database?.drop();
});

function admin(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'packages/api/src/admin-cli.ts', ...args], { cwd: root, env: { ...process.env, DATABASE_URL: database.url } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

describe('pnpm admin', () => {
  it('creates an org, an account, a membership and a token that is stored hashed', async () => {
    expect(await admin('create-org', '--slug', 'acme', '--name', 'Acme')).toMatchObject({ code: 0, stdout: expect.stringMatching(/^created org acme/) });
    expect((await admin('create-account', '--email', 'Ops@Example.org', '--password', 'long enough'))).toMatchObject({ code: 0 });
    expect(await admin('add-member', '--org', 'acme', '--email', 'ops@example.org', '--role', 'ORG_ADMIN')).toMatchObject({ code: 0, stdout: 'ops@example.org is ORG_ADMIN of acme\n' });
    const token = await admin('create-token', '--email', 'ops@example.org', '--name', 'nightly');
    expect(token.code).toBe(0);
    expect(token.stdout).toMatch(/^oet_[\w-]{43}\n$/);
    const membership = await db.membership.findFirstOrThrow({ include: { org: true, account: true } });
    expect(membership).toMatchObject({ role: 'ORG_ADMIN', org: { slug: 'acme' }, account: { email: 'ops@example.org' } });
    const stored = await db.apiToken.findFirstOrThrow({ where: { name: 'nightly' } });
    expect(Buffer.from(stored.tokenHash).toString('utf8')).not.toContain(token.stdout.trim());
  });

  it('fails with a message and status 1 on a bad role, a duplicate or an unknown org', async () => {
    const badRole = await admin('add-member', '--org', 'acme', '--email', 'ops@example.org', '--role', 'OWNER');
    expect(badRole).toMatchObject({ code: 1, stderr: expect.stringMatching(/--role must be one of ORG_ADMIN/) });
    expect(await admin('create-org', '--slug', 'acme', '--name', 'Again')).toMatchObject({ code: 1, stderr: 'admin: that already exists\n' });
    expect(await admin('add-member', '--org', 'nope', '--email', 'ops@example.org', '--role', 'MEMBER')).toMatchObject({ code: 1, stderr: 'admin: no such org or account\n' });
    expect((await admin('frobnicate')).code).toBe(1);
  });
});
