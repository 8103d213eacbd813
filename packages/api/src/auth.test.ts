// Sign-in, sessions, API tokens and the slow-down after failures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, createTestApi } from './testkit.ts';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(async () => {
  await api?.close();
});

const SIGN_IN = 'mutation($email: String!, $password: String!) { signIn(email: $email, password: $password) { email } }';
const VIEWER = '{ viewer { email } }';

describe('portal sign-in', () => {
  it('sets an HttpOnly SameSite session cookie that signs the viewer in, and sign-out ends it', async () => {
    const account = await api.account();
    const signedIn = await api.execute(SIGN_IN, { email: account.email.toUpperCase(), password: account.password });
    expect(signedIn.errors).toBeUndefined();
    const cookie = signedIn.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^oe_session=[\w-]{40,}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
    const session = cookie.split(';')[0]!;
    expect((await api.execute(VIEWER, {}, { cookie: session })).data).toEqual({ viewer: { email: account.email } });

    const out = await api.execute('mutation { signOut }', {}, { cookie: session });
    expect(out.data).toEqual({ signOut: true });
    expect(out.headers.get('set-cookie')).toMatch(/^oe_session=; .*Max-Age=0/);
    const after = await api.execute(VIEWER, {}, { cookie: session });
    expect(after.status).toBe(401);
    expect(after.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('answers a wrong password and an unknown email alike, and keeps no password in plain', async () => {
    const account = await api.account();
    const wrong = await api.execute(SIGN_IN, { email: account.email, password: 'not-it' });
    const unknown = await api.execute(SIGN_IN, { email: 'nobody@example.org', password: 'not-it' });
    for (const result of [wrong, unknown]) {
      expect(result.status).toBe(401);
      expect(result.errors?.[0]).toMatchObject({ message: 'The email or password is not right.', extensions: { code: 'UNAUTHENTICATED' } });
      expect(result.headers.get('set-cookie')).toBeNull();
    }
    const stored = await api.db.account.findUniqueOrThrow({ where: { id: account.id } });
    expect(stored.passwordHash).toMatch(/^scrypt\$/);
    expect(stored.passwordHash).not.toContain(account.password);
  });

  it('slows down repeated failures for an email, even the right password, then lets it in after the wait', async () => {
    const account = await api.account();
    for (let attempt = 0; attempt < 5; attempt++) await api.execute(SIGN_IN, { email: account.email, password: 'guess' });
    const blocked = await api.execute(SIGN_IN, { email: account.email, password: account.password });
    expect(blocked.status).toBe(429);
    expect(blocked.errors?.[0]?.extensions).toMatchObject({ code: 'TOO_MANY_ATTEMPTS', retryAfterSeconds: 1 });
    // The same for an email nobody has: the answer does not reveal which exist.
    for (let attempt = 0; attempt < 5; attempt++) await api.execute(SIGN_IN, { email: 'ghost@example.org', password: 'guess' });
    expect((await api.execute(SIGN_IN, { email: 'ghost@example.org', password: 'guess' })).errors?.[0]?.extensions?.code).toBe('TOO_MANY_ATTEMPTS');

    await api.db.signInThrottle.update({ where: { key: `email:${account.email}` }, data: { lockedUntil: new Date(Date.now() - 1) } });
    const later = await api.execute(SIGN_IN, { email: account.email, password: account.password });
    expect(later.errors).toBeUndefined();
    expect(await api.db.signInThrottle.findUnique({ where: { key: `email:${account.email}` } })).toBeNull();
  });
});

describe('API tokens', () => {
  const CREATE = 'mutation($name: String!, $expiresAt: DateTime) { createApiToken(name: $name, expiresAt: $expiresAt) { token apiToken { id name expiresAt lastUsedAt revokedAt } } }';

  it('shows the secret once, stores only its hash, records last use, and stops working when revoked', async () => {
    const account = await api.account();
    const created = await api.execute<{ createApiToken: { token: string; apiToken: { id: string; name: string } } }>(CREATE, { name: 'backup script' }, { token: account.token });
    const { token, apiToken } = created.data!.createApiToken;
    expect(token).toMatch(/^oet_[\w-]{43}$/);
    const row = await api.db.apiToken.findUniqueOrThrow({ where: { id: apiToken.id } });
    expect(Buffer.from(row.tokenHash).toString('utf8')).not.toContain(token);
    expect(row.lastUsedAt).toBeNull();

    expect((await api.execute(VIEWER, {}, { token })).data).toEqual({ viewer: { email: account.email } });
    expect((await api.db.apiToken.findUniqueOrThrow({ where: { id: apiToken.id } })).lastUsedAt).toBeInstanceOf(Date);
    const listed = await api.execute<{ viewer: { apiTokens: { name: string }[] } }>('{ viewer { apiTokens { name lastUsedAt } } }', {}, { token });
    expect(listed.data!.viewer.apiTokens.map((t) => t.name)).toContain('backup script');
    expect(JSON.stringify(listed.data)).not.toContain(token);

    await api.execute('mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }', { id: apiToken.id }, { token: account.token });
    const revoked = await api.execute(VIEWER, {}, { token });
    expect(revoked.status).toBe(401);
    expect(revoked.errors?.[0]).toMatchObject({ message: 'This API token ("backup script") was revoked.', extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('refuses an expired token, a made-up token and a malformed header with 401', async () => {
    const account = await api.account();
    const soon = new Date(Date.now() + 1500).toISOString();
    const created = await api.execute<{ createApiToken: { token: string } }>(CREATE, { name: 'short', expiresAt: soon }, { token: account.token });
    const token = created.data!.createApiToken.token;
    expect((await api.execute(VIEWER, {}, { token })).errors).toBeUndefined();
    await api.db.apiToken.updateMany({ where: { name: 'short' }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await api.execute(VIEWER, {}, { token });
    expect(expired.status).toBe(401);
    expect(expired.errors?.[0]?.message).toMatch(/^This API token \("short"\) expired at /);

    const madeUp = await api.execute(VIEWER, {}, { token: 'oet_madeup' });
    expect(madeUp.status).toBe(401);
    expect(madeUp.errors?.[0]?.message).toBe('This API token is not valid.');

    const malformed = await api.execute(VIEWER, {}, { token: 'two words' });
    expect(malformed.errors?.[0]?.message).toBe('The Authorization header must be "Bearer <token>".');

    const past = await api.execute(CREATE, { name: 'past', expiresAt: '2001-01-01T00:00:00Z' }, { token: account.token });
    expect(past.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'expiresAt' });
  });

  it("cannot revoke someone else's token", async () => {
    const [alice, bob] = [await api.account(), await api.account()];
    const bobs = await api.db.apiToken.findFirstOrThrow({ where: { accountId: bob.id } });
    const result = await api.execute('mutation($id: ID!) { revokeApiToken(id: $id) { id } }', { id: bobs.id }, { token: alice.token });
    expect(result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await api.db.apiToken.findUniqueOrThrow({ where: { id: bobs.id } })).revokedAt).toBeNull();
  });
});
