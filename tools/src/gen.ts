// pnpm gen [--org SLUG] [--name NAME] [--teams N] [--channels N] [--users N] [--posts N] [--seed N] [--replace]
// Writes a generated org into the database at DATABASE_URL (or the embedded one of ./run start).
import { parseArgs } from 'node:util';
import { applyMigrations } from '@org-export/db/migrate';
import pg from 'pg';
import { generateOrg } from './generate.ts';
import { EMBEDDED_DATABASE_URL } from './defaults.ts';

const { values } = parseArgs({
  options: {
    org: { type: 'string', default: 'demo' },
    name: { type: 'string' },
    teams: { type: 'string', default: '10' },
    channels: { type: 'string', default: '200' },
    users: { type: 'string', default: '5000' },
    posts: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '1' },
    replace: { type: 'boolean', default: false },
  },
});

function count(name: string, text: string | undefined): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`--${name} must be a whole number, not ${text}`);
  return value;
}

const url = process.env['DATABASE_URL'] ?? EMBEDDED_DATABASE_URL;
try {
  const options = {
    slug: values.org,
    name: values.name ?? values.org,
    teams: count('teams', values.teams),
    channels: count('channels', values.channels),
    users: count('users', values.users),
    posts: count('posts', values.posts),
    seed: count('seed', values.seed),
    replace: values.replace,
  };
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(options.slug)) throw new Error('--org must be a slug: lower-case letters, digits and dashes');
  if (options.channels < options.teams) throw new Error('--channels must be at least --teams (each team gets a town-square)');
  await applyMigrations(url);
  const client = new pg.Client({ connectionString: url });
  await client.connect().catch((error: Error) => {
    throw new Error(`cannot reach PostgreSQL at ${url.replace(/:[^:@/]*@/, ':***@')} (${error.message}); start the service with ./run start or set DATABASE_URL`);
  });
  const started = performance.now();
  try {
    const result = await generateOrg(client, { ...options, onProgress: (message) => process.stderr.write(`gen: ${message}\n`) });
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(`generated org "${options.slug}" (${result.orgId}): ${result.teams} teams, ${result.channels} channels, ${result.users} users, ${result.teamMembers} team memberships, ${result.channelMembers} channel memberships, ${result.posts} posts in ${seconds.toFixed(1)} s\n`);
  } finally {
    await client.end();
  }
} catch (error) {
  process.stderr.write(`gen: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
