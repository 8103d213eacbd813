// The generator writes what it says, into the tables the exporter reads, with names the bulk
// format accepts.
import { createHash } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@org-export/db/testing';
import { BulkValidator, type BulkError } from '@org-export/format';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOrg } from './generate.ts';

let database: TestDatabase;
let client: pg.Client;

beforeAll(async () => {
  database = await createTestDatabase({ prefix: 'gen' });
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
  await database?.drop();
});

const options = { slug: 'acme', name: 'Acme', teams: 3, channels: 12, users: 40, posts: 2000, seed: 7 };

describe('generateOrg', () => {
  it('writes the requested rows, each post with the hash of its message', async () => {
    const result = await generateOrg(client, options);
    const counts = await client.query<Record<string, string>>(
      `SELECT (SELECT count(*) FROM team WHERE org_id = $1) AS teams, (SELECT count(*) FROM channel WHERE org_id = $1) AS channels,
              (SELECT count(*) FROM chat_user WHERE org_id = $1) AS users, (SELECT count(*) FROM post WHERE org_id = $1) AS posts,
              (SELECT count(*) FROM team_member WHERE org_id = $1) AS team_members, (SELECT count(*) FROM channel_member WHERE org_id = $1) AS channel_members`,
      [result.orgId],
    );
    expect(counts.rows[0]).toEqual({ teams: '3', channels: '12', users: '40', posts: '2000', team_members: String(result.teamMembers), channel_members: String(result.channelMembers) });
    expect(result.channelMembers).toBeGreaterThanOrEqual(40);

    const sample = await client.query<{ message: string; message_hash: Buffer }>('SELECT message, message_hash FROM post WHERE org_id = $1 ORDER BY id LIMIT 100', [result.orgId]);
    for (const row of sample.rows) expect(row.message_hash.toString('hex')).toBe(createHash('sha256').update(row.message).digest('hex'));
    const multiline = await client.query('SELECT count(*)::int AS n FROM post WHERE org_id = $1 AND message LIKE $2', [result.orgId, '%\n%\t%']);
    expect(multiline.rows[0].n).toBeGreaterThan(0);
  });

  it('refuses to overwrite an org unless asked to replace it', async () => {
    await expect(generateOrg(client, options)).rejects.toThrow(/exists; pass --replace/);
    const again = await generateOrg(client, { ...options, posts: 10, replace: true });
    const posts = await client.query('SELECT count(*)::int AS n FROM post WHERE org_id = $1', [again.orgId]);
    expect(posts.rows[0].n).toBe(10);
    const orgs = await client.query('SELECT count(*)::int AS n FROM org WHERE slug = $1', ['acme']);
    expect(orgs.rows[0].n).toBe(1);
  });

  it('uses names, emails and roles the bulk format accepts', async () => {
    const errors: BulkError[] = [];
    const validator = new BulkValidator({ error: (error) => errors.push(error), warning: () => {} });
    let line = 1;
    validator.acceptValue({ type: 'version', version: 1 }, line);
    const teams = await client.query('SELECT name, display_name, type FROM team');
    for (const team of teams.rows) validator.acceptValue({ type: 'team', team }, ++line);
    const channels = await client.query('SELECT t.name AS team, c.name, c.display_name, c.type, c.header, c.purpose FROM channel c JOIN team t ON t.id = c.team_id');
    for (const row of channels.rows) validator.acceptValue({ type: 'channel', channel: Object.fromEntries(Object.entries(row).filter(([, value]) => value !== null)) }, ++line);
    const users = await client.query('SELECT username, email, first_name, last_name, roles, locale FROM chat_user');
    for (const user of users.rows) validator.acceptValue({ type: 'user', user }, ++line);
    expect(errors).toEqual([]);
    expect(validator.counts).toMatchObject({ team: 3, channel: 12, user: 40 });
  });
});
