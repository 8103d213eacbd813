// `./run start` on embedded defaults: a fresh data folder, an embedded PostgreSQL, migrations,
// the portal, the API and the worker, all answering; and Ctrl-C stops everything.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

describe('start', () => {
  let child: ChildProcess | undefined;
  let dataDir = '';
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('brings up API, worker and portal on an embedded PostgreSQL and prints where to open it', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'org-export-start-'));
    // The embedded PostgreSQL may run as another user when this runs as root.
    await chmod(dataDir, 0o755);
    const [port, pgPort] = [await freePort(), await freePort()];
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), EMBEDDED_PG_PORT: String(pgPort) };
    delete env['DATABASE_URL'];
    child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const base = `http://127.0.0.1:${port}`;
    await expect.poll(() => output, { timeout: 150_000, interval: 500 }).toContain('Org Data Export is running.');
    expect(output).toContain(`Portal:    ${base}/`);
    expect(output).toContain('applied migrations: 20261122153207_init');
    const signIn = /Sign in as (\S+) with password (\S+) /.exec(output);
    expect(signIn, output).not.toBeNull();

    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ ready: true, database: 'ok' });
    const version = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ version { version } }' }) });
    expect(await version.json()).toEqual({ data: { version: { version: '0.1.0' } } });
    const portal = await fetch(`${base}/exports/some/client/route`);
    expect(portal.headers.get('content-type')).toMatch(/text\/html/);
    expect(await portal.text()).toContain('<div id="root">');
    await expect.poll(() => output, { timeout: 30_000 }).toMatch(/worker ready/);

    // The printed first platform admin signs in.
    const signedIn = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { email isPlatformAdmin } }', variables: { e: signIn![1], p: signIn![2] } }),
    });
    expect(await signedIn.json()).toEqual({ data: { signIn: { email: 'admin@example.com', isPlatformAdmin: true } } });
    expect(signedIn.headers.get('set-cookie')).toMatch(/^oe_session=/);

    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});
