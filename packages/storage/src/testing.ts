// A real S3-protocol server on loopback for tests: s3rver, with its data in a temp directory
// that `stop()` removes.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The part of a Koa context the extra route below uses. */
type KoaContext = { method: string; path: string; query: Record<string, string | string[] | undefined>; status: number; type: string; body: unknown };
type KoaMiddleware = (context: KoaContext, next: () => Promise<void>) => Promise<void>;

/** s3rver ships no types; this is the part of its API used here. */
type S3rver = { run(): Promise<AddressInfo>; close(): Promise<void>; middleware: KoaMiddleware[] };
type S3rverOptions = { address: string; port: number; silent: boolean; directory: string; configureBuckets: { name: string; configs: string[] }[] };

const S3rverServer = createRequire(import.meta.url)('s3rver') as new (options: S3rverOptions) => S3rver;

export type TestS3Server = {
  /** http://127.0.0.1:<port>; use it with `forcePathStyle: true`. */
  endpoint: string;
  /** s3rver's built-in key pair: it checks the key id but not signatures. */
  accessKeyId: 'S3RVER';
  secretAccessKey: 'S3RVER';
  bucket: string;
  stop(): Promise<void>;
};

/** Starts s3rver on a free port of 127.0.0.1 with one empty bucket (3 or more characters). */
export async function startTestS3Server(bucket: string): Promise<TestS3Server> {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new RangeError(`s3rver needs a bucket name of 3 to 63 lower-case letters, digits, dots and dashes, not ${JSON.stringify(bucket)}`);
  const directory = await mkdtemp(join(tmpdir(), 's3rver-'));
  const server = new S3rverServer({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] });
  // Koa composes its middleware when the server starts listening, so this still runs first.
  server.middleware.unshift(answerAbortMultipartUpload(directory));
  try {
    const address = await server.run();
    return {
      endpoint: `http://127.0.0.1:${address.port}`,
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      bucket,
      stop: async () => {
        await server.close();
        await rm(directory, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
}

/**
 * s3rver 3.7 has no AbortMultipartUpload route (it answers MethodNotAllowed), so cleanup after a
 * failed upload could not be tested. This answers it as S3 does: 204 after removing the parts,
 * 404 NoSuchUpload for an unknown upload. The parts directory is where s3rver's filesystem store
 * keeps them: <directory>/<bucket>/._S3rver_uploads/<uploadId>/.
 */
function answerAbortMultipartUpload(directory: string): KoaMiddleware {
  return async (context, next) => {
    const uploadId = context.query['uploadId'];
    if (context.method !== 'DELETE' || typeof uploadId !== 'string') return next();
    const bucket = context.path.split('/')[1] ?? '';
    const uploadDirectory = join(directory, bucket, '._S3rver_uploads', uploadId);
    // Both come from the request, so they must be plain names before they meet the filesystem.
    if (/^[a-z0-9][a-z0-9.-]+$/.test(bucket) && !bucket.includes('..') && /^[0-9a-f]+$/.test(uploadId) && existsSync(uploadDirectory)) {
      await rm(uploadDirectory, { recursive: true, force: true });
      context.status = 204;
      return;
    }
    context.status = 404;
    context.type = 'application/xml';
    context.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message><UploadId>${uploadId.replace(/[^0-9a-zA-Z-]/g, '')}</UploadId></Error>`;
  };
}
