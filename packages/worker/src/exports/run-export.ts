// Runs one export from PENDING to COMPLETED, FAILED or CANCELED: claims the record, reads the
// org as one snapshot, streams it through the format's encoder and gzip into a multipart upload,
// and records counts, sizes, SHA-256 and key. Every end state is written with a condition on the
// current status, so a cancel and a finish can never both win.
import { setTimeout as sleep } from 'node:timers/promises';
import { createGzip } from 'node:zlib';
import { BulkEncodeError, BulkEncoder, type BulkObject } from '@org-export/format';
import { type ObjectStorage, describeStorageError } from '@org-export/storage';
import type pg from 'pg';
import type { Logger } from 'pino';
import { NOTIFY_EXPORT_SQL } from '../contracts.ts';
import { OrgSnapshot } from './snapshot.ts';
import { type FileChunk, MultipartWriter, gzipInto } from './upload.ts';

export type ExportDeps = {
  pool: pg.Pool;
  openStorage: (orgId: string) => Promise<ObjectStorage>;
  logger: Logger;
  /** The service version, written into the file's version line. */
  version: string;
  /** How often progress is written and cancellation checked. */
  progressIntervalMs?: number;
  /**
   * At most this many rows a second (EXPORT_MAX_ROWS_PER_SECOND): an operator's brake, so that a
   * large export does not load a busy database, and the tests' way to keep one running long
   * enough to interrupt it on a fast machine.
   */
  maxRowsPerSecond?: number;
};

/** Roughly how much text is gathered before it goes to gzip: 64 KiB keeps gzip's calls few. */
const CHUNK_CHARS = 64 * 1024;
/**
 * gzip's output buffer. Node compresses on a pool thread until this fills, then needs the main
 * thread to hand the output on; at the default 16 KiB that is every ~150 KB of text, so gzip
 * stalled whenever the main thread was busy. 1 MiB holds the output of a whole chunk of posts
 * (about a megabyte of text), so each is compressed in one go.
 */
const GZIP_OUT_BYTES = 1024 * 1024;

/** How often a running export tells recovery its worker is alive (EXPORT_LOST_AFTER_SECONDS is at least 2). */
const HEARTBEAT_MS = 1000;

class Canceled extends Error {}

/** Sends the status-change notification API servers listen for. */
export async function notifyExport(client: pg.Pool | pg.PoolClient, exportId: string): Promise<void> {
  await client.query(NOTIFY_EXPORT_SQL, [exportId]);
}

/** The platform's export settings; the row is made with its defaults on first use. */
async function readPlatformSettings(pool: pg.Pool): Promise<{ compressionLevel: number; partSizeBytes: number }> {
  await pool.query('INSERT INTO platform_settings (id) VALUES (1) ON CONFLICT (id) DO NOTHING');
  const { rows } = await pool.query<{ compressionLevel: number; partSizeBytes: number }>(
    'SELECT compression_level AS "compressionLevel", part_size_bytes AS "partSizeBytes" FROM platform_settings WHERE id = 1',
  );
  return rows[0]!;
}

function stamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** Turns a failure into the code and message the export record shows. */
export function describeFailure(error: unknown): { code: string; message: string } {
  if (error instanceof BulkEncodeError) return { code: 'DATA_INVALID', message: `The org holds data the bulk format cannot carry: ${error.message}` };
  const storage = describeStorageError(error);
  if (storage.code !== 'UNKNOWN') return { code: `STORAGE_${storage.code}`, message: storage.message };
  const pgCode = (error as { code?: unknown }).code;
  if (typeof pgCode === 'string' && /^[0-9A-Z]{5}$/.test(pgCode)) return { code: 'DATABASE_ERROR', message: `The database refused a query: ${(error as Error).message}` };
  return { code: 'INTERNAL', message: `The export failed unexpectedly: ${(error as Error).message ?? String(error)}` };
}

export async function runExport(deps: ExportDeps, exportId: string): Promise<void> {
  const { pool, logger } = deps;
  const claimed = await pool.query<{ org_id: string; until: Date | null; created_at: Date }>(
    `UPDATE data_export SET status = 'RUNNING', started_at = now(), heartbeat_at = now()
      WHERE id = $1 AND status = 'PENDING' RETURNING org_id, until, created_at`,
    [exportId],
  );
  const row = claimed.rows[0];
  if (!row) {
    logger.info({ exportId }, 'export is no longer pending; nothing to do');
    return;
  }
  const orgId = row.org_id;
  await notifyExport(pool, exportId);
  const log = logger.child({ exportId, orgId });

  let storage: ObjectStorage | undefined;
  let uploadId: string | undefined;
  let key: string | undefined;
  // The heartbeat beats on a timer, not with the rows: a slow phase (counting a large org, a slow
  // bucket) must not look like a dead worker to recovery.
  const heartbeat = setInterval(() => {
    pool.query("UPDATE data_export SET heartbeat_at = now() WHERE id = $1 AND status = 'RUNNING'", [exportId]).catch((error: unknown) => log.warn({ err: String(error) }, 'heartbeat failed'));
  }, HEARTBEAT_MS);
  const snapshotClient = await pool.connect().catch((error: unknown) => {
    clearInterval(heartbeat);
    throw error;
  });
  try {
    const org = (await pool.query<{ slug: string }>('SELECT slug FROM org WHERE id = $1', [orgId])).rows[0]!;
    const settings = await readPlatformSettings(pool);
    storage = await deps.openStorage(orgId);
    key = `exports/${org.slug}/${stamp(row.created_at)}-${exportId}.jsonl.gz`;
    uploadId = await storage.createMultipartUpload(key, 'application/gzip');
    await pool.query('UPDATE data_export SET upload_id = $2, storage_key = $3 WHERE id = $1', [exportId, uploadId, key]);

    const cancelBackend = async (pid: number) => void (await pool.query('SELECT pg_cancel_backend($1)', [pid]));
    const snapshot = new OrgSnapshot(snapshotClient, orgId, row.until ? row.until.getTime() : null, cancelBackend);
    await snapshot.begin();
    const counts = await snapshot.counts();
    const expected = 1 + counts.teams + counts.channels + counts.users + counts.posts;
    await pool.query('UPDATE data_export SET progress_expected = $2 WHERE id = $1', [exportId, expected]);
    await notifyExport(pool, exportId);

    let done = 0;
    let bytes = 0;
    let lastTick = Date.now();
    const interval = deps.progressIntervalMs ?? 1000;
    /** Writes progress and notices a cancel (the heartbeat has its own timer). */
    const tick = async () => {
      lastTick = Date.now();
      const result = await pool.query<{ status: string }>("UPDATE data_export SET progress_done = $2 WHERE id = $1 AND status = 'RUNNING' RETURNING status", [exportId, done]);
      if (result.rows[0]?.status !== 'RUNNING') throw new Canceled('canceled');
      await notifyExport(pool, exportId);
    };

    const encoder = new BulkEncoder();
    const created = new Date().toISOString();
    // Posts come as finished lines from PostgreSQL; only when one breaks a rule are they read as
    // objects, so that the encoder names the first bad one and its line.
    const postLines = counts.postsBreakingRules === 0;
    const paceFrom = performance.now();
    /** Writes progress when due and, under a rows-per-second limit, waits until the rows done are due. */
    const betweenBatches = async () => {
      for (;;) {
        if (Date.now() - lastTick >= interval) await tick();
        const wait = deps.maxRowsPerSecond ? paceFrom + (done / deps.maxRowsPerSecond) * 1000 - performance.now() : 0;
        if (wait <= 0) return;
        // In steps, so that progress and a cancel are still noticed every interval.
        await sleep(Math.min(wait, interval));
      }
    };
    async function* text(): AsyncGenerator<FileChunk> {
      let pending = encoder.encode({ type: 'version', version: 1, info: { generator: 'org-export', version: deps.version, created } });
      done = 1;
      const sources: AsyncGenerator<BulkObject[]>[] = [snapshot.teams(), snapshot.channels(), snapshot.users(), ...(postLines ? [] : [snapshot.posts()])];
      for (const source of sources) {
        for await (const objects of source) {
          for (const object of objects) pending += encoder.encode(object);
          done += objects.length;
          if (pending.length >= CHUNK_CHARS) {
            const chunk = Buffer.from(pending);
            bytes += chunk.length;
            pending = '';
            yield { bytes: chunk };
          }
          await betweenBatches();
        }
      }
      if (pending.length > 0) {
        const chunk = Buffer.from(pending);
        bytes += chunk.length;
        yield { bytes: chunk };
      }
      if (!postLines) return;
      for await (const chunk of snapshot.postLines()) {
        done += chunk.rows;
        bytes += chunk.bytes.length;
        yield chunk;
        await betweenBatches();
      }
    }

    const writer = new MultipartWriter(storage, key, uploadId, settings.partSizeBytes);
    await gzipInto(text(), createGzip({ level: settings.compressionLevel, chunkSize: GZIP_OUT_BYTES }), writer);
    await snapshot.end();
    const finished = await pool.query(
      `UPDATE data_export SET status = 'COMPLETED', finished_at = now(), team_count = $2, channel_count = $3, user_count = $4, post_count = $5,
              bytes = $6, compressed_bytes = $7, sha256 = $8, progress_done = $9, upload_id = NULL, heartbeat_at = NULL
        WHERE id = $1 AND status = 'RUNNING'`,
      [exportId, counts.teams, counts.channels, counts.users, counts.posts, bytes, writer.bytes, writer.sha256, done],
    );
    uploadId = undefined;
    if (finished.rowCount === 0) {
      // Canceled in the last moment: the file must not outlive the record that says so.
      await storage.delete(key);
      throw new Canceled('canceled after upload');
    }
    await notifyExport(pool, exportId);
    log.info({ rows: done, bytes, compressedBytes: writer.bytes }, 'export completed');
  } catch (error) {
    await snapshotClient.query('ROLLBACK').catch(() => {});
    if (storage && uploadId && key) await storage.abortMultipartUpload(key, uploadId).catch((abortError: unknown) => log.warn({ err: String(abortError) }, 'could not abort the upload'));
    if (error instanceof Canceled) {
      await pool.query("UPDATE data_export SET finished_at = coalesce(finished_at, now()), upload_id = NULL, storage_key = NULL, heartbeat_at = NULL WHERE id = $1 AND status = 'CANCELED'", [exportId]);
      log.info('export canceled');
    } else {
      const failure = describeFailure(error);
      await pool.query(
        "UPDATE data_export SET status = 'FAILED', finished_at = now(), error_code = $2, error_message = $3, upload_id = NULL, storage_key = NULL, heartbeat_at = NULL WHERE id = $1 AND status = 'RUNNING'",
        [exportId, failure.code, failure.message],
      );
      log.error({ code: failure.code, err: (error as Error).message }, 'export failed');
    }
    await notifyExport(pool, exportId);
  } finally {
    clearInterval(heartbeat);
    snapshotClient.release();
  }
}
