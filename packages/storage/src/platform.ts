// The platform's own configuration as the API and worker use it: the key that seals storage
// secrets, the local storage directory, and how to open an org's storage.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Db, StorageSettings } from '@org-export/db';
import { SecretBox } from './secrets.ts';
import { StorageError } from './errors.ts';
import { LocalStorage } from './local.ts';
import { S3Storage } from './s3.ts';
import type { ObjectStorage } from './storage.ts';

export type PlatformOptions = {
  platformKey: Buffer;
  /** Root of local-directory storage; without it orgs must bring S3. */
  storageDir?: string | undefined;
  /** Base URL that browsers reach the API at, for links the API signs itself. */
  publicUrl: string;
  secureCookies: boolean;
};

export type Platform = {
  secrets: SecretBox;
  storageDir: string | undefined;
  publicUrl: string;
  secureCookies: boolean;
  /** Opens the storage an org's settings describe. */
  openStorage: (settings: StorageSettings) => ObjectStorage;
  /** Signs and verifies the API's own download links for local storage. */
  signLocalUrl: (key: string, expiresAt: Date, fileName: string) => string;
  verifyLocalUrl: (key: string, expiresAtSeconds: number, fileName: string, signature: string, now?: Date) => 'ok' | 'expired' | 'invalid';
};

export function createPlatform(options: PlatformOptions): Platform {
  const secrets = new SecretBox(options.platformKey);
  // A separate key for URL signatures, derived so the storage key is never used for two jobs.
  const urlKey = createHmac('sha256', options.platformKey).update('local-download-urls').digest();
  const sign = (key: string, expires: number, fileName: string) => createHmac('sha256', urlKey).update(`${key}\n${expires}\n${fileName}`).digest('base64url');

  const platform: Platform = {
    secrets,
    storageDir: options.storageDir,
    publicUrl: options.publicUrl.replace(/\/+$/, ''),
    secureCookies: options.secureCookies,
    signLocalUrl(key, expiresAt, fileName) {
      const expires = Math.floor(expiresAt.getTime() / 1000);
      const query = new URLSearchParams({ expires: String(expires), name: fileName, signature: sign(key, expires, fileName) });
      return `${platform.publicUrl}/files/${key.split('/').map(encodeURIComponent).join('/')}?${query}`;
    },
    verifyLocalUrl(key, expiresAtSeconds, fileName, signature, now = new Date()) {
      const expected = Buffer.from(sign(key, expiresAtSeconds, fileName));
      const given = Buffer.from(signature);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid';
      return expiresAtSeconds * 1000 <= now.getTime() ? 'expired' : 'ok';
    },
    openStorage(settings) {
      if (settings.kind === 'LOCAL') {
        if (!options.storageDir) throw new Error('local storage is not enabled on this platform (STORAGE_DIR is not set)');
        // Each org gets its own directory, whatever prefix it chose.
        return new LocalStorage({ root: options.storageDir, prefix: joinPrefix(settings.orgId, settings.keyPrefix), signUrl: platform.signLocalUrl });
      }
      if (!settings.bucket || !settings.region || !settings.accessKeyId || !settings.secretEncrypted) throw new Error('the S3 settings are incomplete');
      return new S3Storage({
        endpoint: settings.endpoint ?? undefined,
        region: settings.region,
        bucket: settings.bucket,
        prefix: settings.keyPrefix,
        forcePathStyle: settings.forcePathStyle,
        accessKeyId: settings.accessKeyId,
        secretAccessKey: secrets.open(Buffer.from(settings.secretEncrypted)),
      });
    },
  };
  return platform;
}

function joinPrefix(orgId: string, prefix: string): string {
  const rest = prefix.replace(/^\/+|\/+$/g, '');
  return rest ? `${orgId}/${rest}/` : `${orgId}/`;
}

const NO_STORAGE_MESSAGE = 'This org has no storage configured. An ORG_ADMIN can configure it under Settings, Storage.';

/** Opens an org's storage from its saved settings. */
export async function openOrgStorage(db: Db, platform: Platform, orgId: string): Promise<ObjectStorage> {
  const settings = await db.storageSettings.findUnique({ where: { orgId } });
  if (!settings) throw new StorageError('INVALID_SETTINGS', NO_STORAGE_MESSAGE);
  return platform.openStorage(settings);
}

/** What openOrgStorageByQuery needs of a node-postgres pool or client. */
export type Queryable = { query: <R extends object>(text: string, values: unknown[]) => Promise<{ rows: R[] }> };

/**
 * openOrgStorage for processes that reach PostgreSQL through node-postgres alone: the worker keeps
 * Prisma's client and its query engine, some 50 MB, out of its memory.
 */
export async function openOrgStorageByQuery(pool: Queryable, platform: Platform, orgId: string): Promise<ObjectStorage> {
  const { rows } = await pool.query<StorageSettings>(
    `SELECT org_id AS "orgId", kind, endpoint, region, bucket, key_prefix AS "keyPrefix", force_path_style AS "forcePathStyle",
            access_key_id AS "accessKeyId", secret_encrypted AS "secretEncrypted", verified_at AS "verifiedAt", last_test_at AS "lastTestAt",
            last_test_ok AS "lastTestOk", last_test_code AS "lastTestCode", last_test_message AS "lastTestMessage", updated_at AS "updatedAt"
       FROM storage_settings WHERE org_id = $1`,
    [orgId],
  );
  if (!rows[0]) throw new StorageError('INVALID_SETTINGS', NO_STORAGE_MESSAGE);
  return platform.openStorage(rows[0]);
}

const KEY_CHECK_TEXT = 'org-export platform key check';

/**
 * Proves at startup that PLATFORM_KEY is the key this database's secrets were sealed with: the
 * first start seals a known text, later starts must open it. A wrong key stops the process
 * with a message instead of failing later on every storage secret.
 */
export async function verifyPlatformKey(db: Db, secrets: SecretBox): Promise<void> {
  // Several processes may start at once on a new database: create and seal without racing (an
  // upsert is not atomic), then check what won.
  await db.$executeRaw`INSERT INTO platform_settings (id) VALUES (1) ON CONFLICT (id) DO NOTHING`;
  await db.platformSettings.updateMany({ where: { id: 1, keyCheck: null }, data: { keyCheck: new Uint8Array(secrets.seal(KEY_CHECK_TEXT)) } });
  const settings = await db.platformSettings.findUniqueOrThrow({ where: { id: 1 } });
  if (!settings.keyCheck) throw new Error('the platform key check could not be stored');
  let text: string | undefined;
  try {
    text = secrets.open(Buffer.from(settings.keyCheck));
  } catch {
    text = undefined;
  }
  if (text !== KEY_CHECK_TEXT) {
    throw new Error('PLATFORM_KEY is not the key this database was set up with, so stored storage secrets cannot be read. Start with the original PLATFORM_KEY.');
  }
}
