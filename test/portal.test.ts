// The portal in a real Chromium: sign in through the form, see who you are, sign out.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { accounts, createApi, createJobs, createPlatform } from '@org-export/api';
import { createDb, type Db } from '@org-export/db';
import { type TestDatabase, createTestDatabase } from '@org-export/db/testing';
import { type Browser, chromium } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const portalDir = fileURLToPath(new URL('../packages/portal/', import.meta.url));

let database: TestDatabase;
let db: Db;
let browser: Browser;
let base: string;
let close: () => Promise<void>;

beforeAll(async () => {
  execFileSync(process.execPath, [fileURLToPath(new URL('../packages/portal/node_modules/vite/bin/vite.js', import.meta.url)), 'build', '--logLevel', 'error'], { cwd: portalDir, stdio: 'inherit' });
  database = await createTestDatabase({ prefix: 'portal' });
  db = createDb(database.url, { maxConnections: 3 });
  const platform = createPlatform({ platformKey: randomBytes(32), publicUrl: 'http://127.0.0.1', secureCookies: false });
  const logger = pino({ level: 'silent' });
  const jobs = await createJobs(database.url, logger);
  const api = createApi({ db, logger, platform, jobs, portalDir: `${portalDir}dist` });
  await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
  close = async () => {
    await api.close();
    await jobs.close();
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
