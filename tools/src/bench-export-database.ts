// The database bench-export measures against: a fresh one per size with a generated org, or,
// with `keep`, one per size that later runs reuse, since generating a million posts takes a while.
import { randomBytes } from 'node:crypto';
import { applyMigrations } from '@org-export/db/migrate';
import pg from 'pg';
import { generateOrg } from './generate.ts';

const ORG_SLUG = 'bench';

export type S3Settings = { endpoint: string; bucket: string; accessKeyId: string; secretEncrypted: Buffer };

export type BenchDatabase = {
  url: string;
  posts: number;
  orgId: string;
  /** The gzip level exports use, from the platform settings. */
  compressionLevel: number;
  /** Points the org's storage at an S3 server, as a verified configuration would. */
  useS3Storage(settings: S3Settings): Promise<void>;
  /** Drops the database unless it is kept. */
  close(): Promise<void>;
};

async function onServer<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The org of a kept database, if it holds exactly the posts asked for. */
async function findGenerated(url: string, posts: number): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string; posts: string }>('SELECT o.id, (SELECT count(*) FROM post p WHERE p.org_id = o.id) AS posts FROM org o WHERE o.slug = $1', [ORG_SLUG]);
    return rows[0] && Number(rows[0].posts) === posts ? rows[0].id : undefined;
  } catch {
    return undefined;
  } finally {
    await client.end();
  }
}

async function generate(url: string, posts: number, say: (message: string) => void): Promise<string> {
  await applyMigrations(url);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const started = performance.now();
    // The generator's defaults: the shape of a mid-sized org.
    const result = await generateOrg(client, { slug: ORG_SLUG, teams: 10, channels: 200, users: 5000, posts, seed: 1, replace: true });
    // Rows written by COPY carry no hint bits yet; whichever reader came first would pay for
    // setting them, so settle that before anything is measured.
    await client.query('VACUUM (FREEZE, ANALYZE)');
    say(`generated ${posts} posts in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return result.orgId;
  } finally {
    await client.end();
  }
}

/** Opens (creating and filling it if needed) the database for one size. */
export async function openBenchDatabase(serverUrl: string, posts: number, options: { keep: boolean; say: (message: string) => void }): Promise<BenchDatabase> {
  const name = options.keep ? `bench_export_${posts}` : `bench_export_${posts}_${randomBytes(4).toString('hex')}`;
  const url = databaseUrl(serverUrl, name);
  const exists = await onServer(serverUrl, async (client) => (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1);
  let orgId = exists ? await findGenerated(url, posts) : undefined;
  if (orgId) options.say(`reusing ${name}`);
  else {
    await onServer(serverUrl, async (client) => {
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.query(`CREATE DATABASE "${name}"`);
    });
    options.say(`generating ${posts} posts into ${name}`);
    orgId = await generate(url, posts, options.say);
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('INSERT INTO platform_settings (id) VALUES (1) ON CONFLICT (id) DO NOTHING');
  const settings = await client.query<{ compression_level: number }>('SELECT compression_level FROM platform_settings WHERE id = 1');
  const id = orgId;
  return {
    url,
    posts,
    orgId: id,
    compressionLevel: settings.rows[0]!.compression_level,
    async useS3Storage(s3) {
      await client.query("INSERT INTO org_module (org_id, module, enabled) VALUES ($1, 'DATA_EXPORT', true) ON CONFLICT (org_id, module) DO UPDATE SET enabled = true", [id]);
      await client.query(
        `INSERT INTO storage_settings (org_id, kind, endpoint, region, bucket, key_prefix, force_path_style, access_key_id, secret_encrypted, verified_at)
         VALUES ($1, 'S3', $2, 'us-east-1', $3, 'bench', true, $4, $5, now())
         ON CONFLICT (org_id) DO UPDATE SET kind = 'S3', endpoint = $2, bucket = $3, access_key_id = $4, secret_encrypted = $5, verified_at = now()`,
        [id, s3.endpoint, s3.bucket, s3.accessKeyId, s3.secretEncrypted],
      );
    },
    async close() {
      await client.end();
      if (!options.keep) await onServer(serverUrl, (server) => server.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).then(() => undefined));
    },
  };
}
