// The portal in a real Chromium: sign in through the form, see who you are, sign out; export an
// org with one button, watch it finish without a reload, and download the file.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { accounts, createApi, createJobs, createPlatform } from '@org-export/api';
import { createDb, type Db } from '@org-export/db';
import { type TestDatabase, createTestDatabase } from '@org-export/db/testing';
import { type Worker, startWorker } from '@org-export/worker';
import { type Browser, chromium } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const portalDir = fileURLToPath(new URL('../packages/portal/', import.meta.url));

let database: TestDatabase;
let db: Db;
let browser: Browser;
let base: string;
let close: () => Promise<void>;
let worker: Worker;
let storageDir: string;

/** A free port, so that download links can name the API's address before it listens. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

beforeAll(async () => {
  execFileSync(process.execPath, [fileURLToPath(new URL('../packages/portal/node_modules/vite/bin/vite.js', import.meta.url)), 'build', '--logLevel', 'error'], { cwd: portalDir, stdio: 'inherit' });
  database = await createTestDatabase({ prefix: 'portal' });
  db = createDb(database.url, { maxConnections: 3 });
  storageDir = await mkdtemp(join(tmpdir(), 'portal-storage-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const platform = createPlatform({ platformKey: randomBytes(32), storageDir, publicUrl: base, secureCookies: false });
  const logger = pino({ level: 'silent' });
  const jobs = await createJobs(database.url, logger);
  const api = createApi({ db, logger, platform, jobs, portalDir: `${portalDir}dist` });
  await new Promise<void>((resolve) => api.server.listen(port, '127.0.0.1', resolve));
  worker = await startWorker({ databaseUrl: database.url, platform, logger, version: '0.1.0' });
  close = async () => {
    await worker.stop();
    await api.close();
    await jobs.close();
    await rm(storageDir, { recursive: true, force: true });
  };
  browser = await chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

afterAll(async () => {
  await browser?.close();
  await close?.();
  await db?.$disconnect();
  await database?.drop();
});

describe('portal', () => {
  it('signs in with the form, keeps the session in an HttpOnly cookie, and signs out', async () => {
    const org = await accounts.createOrg(db, 'north', 'North Chapter');
    await accounts.createAccount(db, { email: 'ana@example.org', password: 'correct horse' });
    await accounts.addMember(db, org.slug, 'ana@example.org', 'ORG_ADMIN');

    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(base);
    await expect.poll(() => page.getByTestId('api-version').textContent()).toBe('v0.1.0');

    await page.getByLabel('Email').fill('ana@example.org');
    await page.getByLabel('Password').fill('wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('The email or password is not right.');

    await page.getByLabel('Password').fill('correct horse');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByTestId('viewer-email').textContent()).toBe('ana@example.org');
    expect(await page.getByTestId('memberships').textContent()).toContain('North Chapter');
    // The module is off for North: the portal says so and shows no export controls.
    await expect.poll(() => page.getByTestId('module-off').textContent()).toBe('The Data Export module is off for North Chapter. A platform admin can turn it on.');
    expect(await page.getByRole('button', { name: 'Export now' }).count()).toBe(0);
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: 'oe_session', httpOnly: true, sameSite: 'Lax' });
    expect(await page.evaluate(() => document.cookie)).toBe('');

    // A reload keeps the session.
    await page.reload();
    await expect.poll(() => page.getByTestId('viewer-email').textContent()).toBe('ana@example.org');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Sign in' }).count()).toBe(1);
    expect(await context.cookies()).toEqual([]);
    await context.close();
  });
});

async function api<T>(token: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { data: T; errors?: unknown };
  expect(body.errors).toBeUndefined();
  return body.data;
}

describe('portal exports', () => {
  it('exports with one button, shows the status change live, and downloads exactly the file', async () => {
    const org = await accounts.createOrg(db, 'south', 'South Chapter');
    await accounts.createAccount(db, { email: 'bo@example.org', password: 'battery staple' });
    await accounts.addMember(db, org.slug, 'bo@example.org', 'ORG_ADMIN');
    await db.orgModule.create({ data: { orgId: org.id, module: 'DATA_EXPORT', enabled: true } });
    const { token } = await accounts.createToken(db, 'bo@example.org', 'setup');
    await api(token, 'mutation($orgId: ID!) { configureStorage(orgId: $orgId, input: { kind: LOCAL }) { kind } }', { orgId: org.id });

    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(base);
    await page.getByLabel('Email').fill('bo@example.org');
    await page.getByLabel('Password').fill('battery staple');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const card = page.getByTestId('exports-south');
    await expect.poll(() => card.getByRole('button', { name: 'Export now' }).count()).toBe(1);

    // Unverified storage: the button answers with the API's own words and nothing is recorded.
    await card.getByRole('button', { name: 'Export now' }).click();
    await expect.poll(() => card.getByRole('alert').textContent()).toContain('has not passed a connection test');
    expect(await db.dataExport.count({ where: { orgId: org.id } })).toBe(0);

    await api(token, 'mutation($orgId: ID!) { testStorageConnection(orgId: $orgId) { ok } }', { orgId: org.id });
    await page.reload();
    await card.getByRole('button', { name: 'Export now' }).click();
    // The row appears and turns COMPLETED by itself: no reload, the status arrives as an event.
    await expect.poll(() => card.getByTestId('export-status').first().textContent(), { timeout: 60_000 }).toBe('COMPLETED');
    const record = await db.dataExport.findFirstOrThrow({ where: { orgId: org.id } });
    expect(record.status).toBe('COMPLETED');
    expect(await card.getByTestId('export-sha256').first().textContent()).toBe(record.sha256);

    const [download] = await Promise.all([page.waitForEvent('download'), card.getByRole('button', { name: 'Download' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^south-export-\d{8}-\d{6}\.jsonl\.gz$/);
    const file = await readFile((await download.path())!);
    expect(createHash('sha256').update(file).digest('hex')).toBe(record.sha256);
    expect(JSON.parse(gunzipSync(file).toString('utf8').split('\n')[0]!)).toMatchObject({ type: 'version', version: 1 });

    // An export started elsewhere (a script) shows up on the open page and finishes there: only
    // the live events can tell the page about it.
    const scripted = await api<{ triggerExport: { id: string } }>(token, 'mutation($orgId: ID!) { triggerExport(orgId: $orgId) { id } }', { orgId: org.id });
    await expect.poll(() => card.getByTestId('export-row').first().getAttribute('data-export-id'), { timeout: 30_000 }).toBe(scripted.triggerExport.id);
    await expect.poll(() => card.getByTestId('export-status').first().textContent(), { timeout: 60_000 }).toBe('COMPLETED');
    expect(await card.getByTestId('export-row').count()).toBe(2);
    await context.close();
  });
});
