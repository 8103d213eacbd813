// Posts reach the file as lines PostgreSQL writes (snapshot.ts, POST_LINE): they must be the very
// bytes the format's encoder writes for the same posts, the rules must flag what the encoder
// refuses, and a COPY stopped early must leave the connection usable at once. All of it on both
// kinds of socket a worker's connection may have: Node's own, and the DirectReadSocket that hands
// reads over in place.
import { BulkEncoder, type BulkObject } from '@org-export/format';
import { type TestDatabase, createTestDatabase } from '@org-export/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseSocket } from './direct-read-socket.ts';
import { OrgSnapshot } from './snapshot.ts';

let database: TestDatabase;
let client: pg.Client;
let canceller: pg.Client;

const AWKWARD = [
  '',
  'plain',
  'quote " backslash \\ slash /',
  'line\nbreak\r\ttab\bbackspace\fform feed',
  '\u0001\u0002\u001f\u007f del and units',
  '\u2028\u2029 separators',
  'naïve ☕ 😀 日本 Ἀθῆναι 👩‍👩‍👧',
  '</script> {"type":"post"} \\u0041',
  '😀'.repeat(16_383),
];

async function insertOrg(slug: string): Promise<{ orgId: string; channelId: string; userId: string }> {
  const id = async (sql: string, params: unknown[]) => (await client.query<{ id: string }>(sql, params)).rows[0]!.id;
  const orgId = await id('INSERT INTO org (id, slug, name) VALUES (gen_random_uuid(), $1, $1) RETURNING id', [slug]);
  const teamId = await id("INSERT INTO team (id, org_id, name, display_name, type) VALUES (gen_random_uuid(), $1, 'north\"x', 'North', 'O') RETURNING id", [orgId]);
  const channelId = await id("INSERT INTO channel (id, org_id, team_id, name, display_name, type) VALUES (gen_random_uuid(), $1, $2, 'town\\square', 'Town', 'O') RETURNING id", [orgId, teamId]);
  const userId = await id("INSERT INTO chat_user (id, org_id, username, email) VALUES (gen_random_uuid(), $1, 'ana', 'ana@example.org') RETURNING id", [orgId]);
  return { orgId, channelId, userId };
}

async function insertPost(org: { orgId: string; channelId: string; userId: string }, message: string, createAt: number | bigint): Promise<void> {
  await client.query("INSERT INTO post (org_id, channel_id, user_id, message, message_hash, create_at) VALUES ($1, $2, $3, $4, sha256(convert_to($4 || $5, 'UTF8')), $5::bigint)", [
    org.orgId,
    org.channelId,
    org.userId,
    message,
    String(createAt),
  ]);
}

/** Reads what a snapshot gives, closing it after. */
async function withSnapshot<T>(orgId: string, read: (snapshot: OrgSnapshot) => Promise<T>): Promise<T> {
  const snapshot = new OrgSnapshot(client, orgId, null, async (pid) => void (await canceller.query('SELECT pg_cancel_backend($1)', [pid])));
  await snapshot.begin();
  try {
    return await read(snapshot);
  } finally {
    await snapshot.end();
  }
}

beforeAll(async () => {
  database = await createTestDatabase({ prefix: 'worker_post_lines' });
  canceller = new pg.Client({ connectionString: database.url });
  await canceller.connect();
});

afterAll(async () => {
  await canceller?.end();
  await database?.drop();
});

const SOCKETS = [
  { socket: "Node's socket", stream: undefined },
  { socket: 'a DirectReadSocket', stream: databaseSocket },
];

describe.each(SOCKETS)('posts as lines written by PostgreSQL, read from $socket', ({ stream }) => {
  const slug = (name: string) => `${name}-${stream ? 'direct' : 'node'}`;

  beforeAll(async () => {
    client = new pg.Client({ connectionString: database.url, stream });
    await client.connect();
    expect(client.connection.stream.constructor.name).toBe(stream ? 'DirectReadSocket' : 'Socket');
  });

  afterAll(async () => {
    await client?.end();
  });

  it('are byte for byte what the encoder writes for the same posts', async () => {
    const org = await insertOrg(slug('lines'));
    for (const [index, message] of AWKWARD.entries()) await insertPost(org, message, index % 2 ? 1_767_225_600_000 + index : -index - 1);
    await insertPost(org, 'largest safe', Number.MAX_SAFE_INTEGER);

    const { counts, sql, objects } = await withSnapshot(org.orgId, async (snapshot) => {
      const chunks: Buffer[] = [];
      let rows = 0;
      for await (const chunk of snapshot.postLines()) {
        chunks.push(Buffer.from(chunk.bytes));
        rows += chunk.rows;
        chunk.release();
      }
      const read: BulkObject[] = [];
      for await (const page of snapshot.posts()) read.push(...page);
      return { counts: await snapshot.counts(), sql: { bytes: Buffer.concat(chunks), rows }, objects: read };
    });

    expect(counts.postsBreakingRules).toBe(0);
    expect(objects).toHaveLength(AWKWARD.length + 1);
    const encoder = new BulkEncoder();
    encoder.encode({ type: 'version', version: 1 });
    const expected = objects.map((object) => encoder.encode(object)).join('');
    expect(sql.rows).toBe(objects.length);
    expect(sql.bytes.toString('utf8')).toBe(expected);
  });

  it('flag exactly the posts the encoder refuses', async () => {
    const org = await insertOrg(slug('rules'));
    await insertPost(org, 'x'.repeat(16_383), 1);
    await insertPost(org, '😀'.repeat(16_383), 2);
    const valid = await withSnapshot(org.orgId, (snapshot) => snapshot.counts());
    expect(valid.postsBreakingRules).toBe(0);

    await insertPost(org, 'x'.repeat(16_384), 3);
    await insertPost(org, 'zero', 0);
    await insertPost(org, 'too large', 2n ** 53n);
    await insertPost(org, 'too small', -(2n ** 53n));
    const invalid = await withSnapshot(org.orgId, (snapshot) => snapshot.counts());
    expect(invalid.postsBreakingRules).toBe(4);
    expect(invalid.posts).toBe(6);
  });

  it('stop early without holding the connection', async () => {
    const org = await insertOrg(slug('stop'));
    // Enough text to fill the read-ahead and pause the socket: 20,000 posts of 1 KB.
    await client.query(
      "INSERT INTO post (org_id, channel_id, user_id, message, message_hash, create_at) SELECT $1, $2, $3, repeat('m', 1000) || n, sha256(convert_to(n::text, 'UTF8')), n FROM generate_series(1, 20000) n",
      [org.orgId, org.channelId, org.userId],
    );
    const started = Date.now();
    const firstRows = await withSnapshot(org.orgId, async (snapshot) => {
      for await (const chunk of snapshot.postLines()) return chunk.rows;
      return 0;
    });
    expect(firstRows).toBeGreaterThan(0);
    expect((await client.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one).toBe(1);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
