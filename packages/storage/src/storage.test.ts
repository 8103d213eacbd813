// Both backends against the real thing: s3rver on loopback for S3, a temp directory for local.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LocalStorage, MIN_PART_BYTES, type ObjectStorage, S3Storage, type S3StorageOptions, attachmentDisposition, describeStorageError, openLocalObject, testStorage } from './index.ts';
import { type TestS3Server, startTestS3Server } from './testing.ts';

let server: TestS3Server;
let root: string;
const opened: S3Storage[] = [];
const signed: { fullKey: string; expiresAt: Date; fileName: string }[] = [];

beforeAll(async () => {
  server = await startTestS3Server('storage-test');
});
afterAll(async () => {
  await server?.stop();
});
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'local-storage-'));
  signed.length = 0;
});
afterEach(async () => {
  for (const storage of opened.splice(0)) storage.close();
  await rm(root, { recursive: true, force: true });
});

function s3(options: Partial<S3StorageOptions> = {}): S3Storage {
  const storage = new S3Storage({
    endpoint: server.endpoint,
    region: 'us-east-1',
    bucket: server.bucket,
    prefix: `org-${randomBytes(4).toString('hex')}/`,
    forcePathStyle: true,
    accessKeyId: server.accessKeyId,
    secretAccessKey: server.secretAccessKey,
    ...options,
  });
  opened.push(storage);
  return storage;
}

function local(options: { root?: string; prefix?: string } = {}): LocalStorage {
  return new LocalStorage({
    root: options.root ?? root,
    prefix: options.prefix ?? 'org-1/',
    signUrl: (fullKey, expiresAt, fileName) => {
      signed.push({ fullKey, expiresAt, fileName });
      return `http://127.0.0.1:4000/files/${fullKey}?expires=${expiresAt.getTime()}`;
    },
  });
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A port nothing listens on: bound by the OS, then released. */
async function closedPort(): Promise<number> {
  const listener = createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const { port } = listener.address() as { port: number };
  await new Promise<void>((resolve) => listener.close(() => resolve()));
  return port;
}

/** Uploads a 5 MiB part and a small one, as an export's last part would be. */
async function uploadTwoParts(storage: ObjectStorage, key: string) {
  const first = randomBytes(MIN_PART_BYTES);
  const second = randomBytes(1234);
  const uploadId = await storage.createMultipartUpload(key, 'application/gzip');
  // Out of order on purpose: completion must put them back in part order.
  const part2 = await storage.uploadPart(key, uploadId, 2, second);
  const part1 = await storage.uploadPart(key, uploadId, 1, first);
  return { uploadId, parts: [part2, part1], expected: Buffer.concat([first, second]) };
}

describe.each([
  ['S3', () => s3()],
  ['local', () => local()],
] as const)('%s storage', (_name, open) => {
  it('passes the connection probe and leaves no probe object behind', async () => {
    const storage = open();
    expect(await testStorage(storage)).toEqual({ ok: true });
    expect(await storage.head('.probe/anything.txt')).toBeUndefined();
  });

  it('puts, heads, gets and deletes an object', async () => {
    const storage = open();
    await storage.put('a/b.txt', 'naïve ☕');
    expect(await storage.head('a/b.txt')).toEqual({ size: Buffer.byteLength('naïve ☕') });
    expect(Buffer.from(await storage.get('a/b.txt')).toString('utf8')).toBe('naïve ☕');
    await storage.delete('a/b.txt');
    expect(await storage.head('a/b.txt')).toBeUndefined();
    await storage.delete('a/b.txt');
  });

  it('refuses keys that could climb out of the prefix', async () => {
    const storage = open();
    for (const key of ['../x', 'a/../../x', '/etc/passwd', 'a//b', './x', '']) {
      await expect(storage.put(key, 'x'), key).rejects.toThrow(RangeError);
    }
  });

  it('aborts an upload without leaving an object, and aborting again is fine', async () => {
    const storage = open();
    const { uploadId } = await uploadTwoParts(storage, 'aborted.jsonl.gz');
    await storage.abortMultipartUpload('aborted.jsonl.gz', uploadId);
    expect(await storage.head('aborted.jsonl.gz')).toBeUndefined();
    await storage.abortMultipartUpload('aborted.jsonl.gz', uploadId);
  });
});

describe('S3Storage', () => {
  it('assembles a multipart upload that downloads whole through a presigned URL with its file name', async () => {
    const storage = s3();
    const { uploadId, parts, expected } = await uploadTwoParts(storage, 'exports/one.jsonl.gz');
    await storage.completeMultipartUpload('exports/one.jsonl.gz', uploadId, parts);
    expect(await storage.head('exports/one.jsonl.gz')).toEqual({ size: expected.length });

    const before = Date.now();
    const { url, expiresAt } = await storage.presignGet('exports/one.jsonl.gz', { expiresInSeconds: 900, fileName: 'acme "org" ☕.jsonl.gz' });
    expect(expiresAt.getTime()).toBeGreaterThan(before + 899_000);
    expect(expiresAt.getTime()).toBeLessThanOrEqual(before + 900_000);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(attachmentDisposition('acme "org" ☕.jsonl.gz'));
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="acme \\"org\\" _.jsonl.gz"; filename*=UTF-8\'\'acme%20%22org%22%20%E2%98%95.jsonl.gz');
    expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(sha256(expected));
  });

  it('writes under the prefix, with or without its trailing slash', async () => {
    const whole = s3({ prefix: '' });
    for (const prefix of ['tenant/one', 'tenant/one/', 'tenant/one//']) {
      await s3({ prefix }).put('file.txt', prefix);
      expect(Buffer.from(await whole.get('tenant/one/file.txt')).toString()).toBe(prefix);
    }
    expect(whole.description).toBe(`s3://storage-test/ at ${server.endpoint}`);
    expect(s3({ prefix: 'tenant/one/' }).description).toBe(`s3://storage-test/tenant/one/ at ${server.endpoint}`);
  });

  it('reports an unknown access key id as bad credentials', async () => {
    const result = await testStorage(s3({ accessKeyId: 'NOT-A-KEY' }));
    expect(result).toEqual({ ok: false, code: 'BAD_CREDENTIALS', message: 'The access key id is not known to the storage service. Check the access key id and secret.' });
  });

  it('reports a missing bucket by name', async () => {
    const result = await testStorage(s3({ bucket: 'no-such-bucket' }));
    expect(result).toEqual({ ok: false, code: 'NO_SUCH_BUCKET', message: 'The bucket "no-such-bucket" does not exist at this endpoint.' });
  });

  it('reports a closed port as unreachable, quickly', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const started = Date.now();
    const result = await testStorage(s3({ endpoint }));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result).toEqual({ ok: false, code: 'ENDPOINT_UNREACHABLE', message: `Cannot reach the storage endpoint ${endpoint}: connection refused.` });
  });

  it('refuses presigned URLs outside what SigV4 allows', async () => {
    await expect(s3().presignGet('x', { expiresInSeconds: 0, fileName: 'x' })).rejects.toThrow(RangeError);
    await expect(s3().presignGet('x', { expiresInSeconds: 8 * 24 * 3600, fileName: 'x' })).rejects.toThrow(RangeError);
  });
});

describe('LocalStorage', () => {
  it('assembles a multipart upload into the final file and signs a URL for it', async () => {
    const storage = local();
    const { uploadId, parts, expected } = await uploadTwoParts(storage, 'exports/one.jsonl.gz');
    await storage.completeMultipartUpload('exports/one.jsonl.gz', uploadId, parts);
    expect(sha256(await readFile(join(root, 'org-1/exports/one.jsonl.gz')))).toBe(sha256(expected));
    expect(await readdir(join(root, '.uploads'))).toEqual([]);

    const { url, expiresAt } = await storage.presignGet('exports/one.jsonl.gz', { expiresInSeconds: 900, fileName: 'one.jsonl.gz' });
    expect(signed).toEqual([{ fullKey: 'org-1/exports/one.jsonl.gz', expiresAt, fileName: 'one.jsonl.gz' }]);
    expect(url).toContain('/files/org-1/exports/one.jsonl.gz');

    const { stream, size } = await openLocalObject(root, 'org-1/exports/one.jsonl.gz');
    expect(size).toBe(expected.length);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect(sha256(Buffer.concat(chunks))).toBe(sha256(expected));
  });

  it('never shows a partial file under the final name', async () => {
    const storage = local();
    const path = join(root, 'org-1/big.jsonl.gz');
    const { uploadId, parts, expected } = await uploadTwoParts(storage, 'big.jsonl.gz');
    expect(existsSync(path)).toBe(false);
    expect(await storage.head('big.jsonl.gz')).toBeUndefined();

    let done = false;
    const completing = storage.completeMultipartUpload('big.jsonl.gz', uploadId, parts).finally(() => (done = true));
    const seenSizes = new Set<number>();
    while (!done) {
      const size = await stat(path).then((stats) => stats.size, () => undefined);
      if (size !== undefined) seenSizes.add(size);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await completing;
    seenSizes.add((await stat(path)).size);
    expect([...seenSizes]).toEqual([expected.length]);
  });

  it('holds parts to S3 rules: 5 MiB but the last, and matching ETags', async () => {
    const storage = local();
    const uploadId = await storage.createMultipartUpload('small.bin', 'application/octet-stream');
    const parts = [await storage.uploadPart('small.bin', uploadId, 1, randomBytes(10)), await storage.uploadPart('small.bin', uploadId, 2, randomBytes(10))];
    await expect(storage.completeMultipartUpload('small.bin', uploadId, parts)).rejects.toThrow('every part but the last must be at least');
    await expect(storage.completeMultipartUpload('small.bin', uploadId, [{ partNumber: 2, etag: 'not-it' }])).rejects.toThrow('does not match its ETag');
    expect(await storage.head('small.bin')).toBeUndefined();
  });

  it('writes under the prefix and keeps the upload area out of reach', async () => {
    await local({ prefix: 'tenant/one' }).put('file.txt', 'one');
    await local({ prefix: 'tenant/two/' }).put('file.txt', 'two');
    expect(await readFile(join(root, 'tenant/one/file.txt'), 'utf8')).toBe('one');
    expect(await readFile(join(root, 'tenant/two/file.txt'), 'utf8')).toBe('two');
    expect(local({ prefix: 'tenant/one/' }).description).toBe(`local directory ${join(root, 'tenant/one/')}`);
    await expect(local({ prefix: '' }).put('.uploads/x', 'x')).rejects.toThrow(RangeError);
    await expect(local({ prefix: '../escape/' }).put('x', 'x')).rejects.toThrow(RangeError);
    await expect(openLocalObject(root, '../etc/passwd')).rejects.toThrow(RangeError);
    await expect(openLocalObject(root, 'tenant/missing.txt')).rejects.toThrow('There is no object');
  });

  it('reports a root that is a file as invalid settings', async () => {
    const file = join(root, 'not-a-directory');
    await writeFile(file, 'x');
    const result = await testStorage(local({ root: file }));
    expect(result).toEqual({ ok: false, code: 'INVALID_SETTINGS', message: `The storage directory ${file} does not exist or is not a directory.` });
  });
});

describe('describeStorageError', () => {
  const service = (name: string, status: number, extra: object = {}) => Object.assign(new Error(`${name} from the service`), { name, $fault: 'client', $metadata: { httpStatusCode: status }, ...extra });
  const socket = (code: string) => Object.assign(new Error(`connect ${code}`), { code });

  it.each([
    [service('InvalidAccessKeyId', 403), 'BAD_CREDENTIALS', 'access key id is not known'],
    [service('SignatureDoesNotMatch', 403), 'BAD_CREDENTIALS', 'secret access key does not match'],
    [service('NoSuchBucket', 404, { BucketName: 'from-error' }), 'NO_SUCH_BUCKET', 'The bucket "from-error" does not exist'],
    [service('AccessDenied', 403), 'ACCESS_DENIED', 'may not write to this bucket or prefix'],
    [service('Forbidden', 403), 'ACCESS_DENIED', 'may not write'],
    [service('UnknownError', 403), 'ACCESS_DENIED', 'may not write'],
    [service('PermanentRedirect', 301), 'INVALID_SETTINGS', 'another region'],
    [Object.assign(service('NotFound', 404), { message: 'UnknownError' }), 'INVALID_SETTINGS', 'may not be an S3 service'],
    [service('NoSuchKey', 404), 'UNKNOWN', 'The object is not in the bucket.'],
    [service('InternalError', 500), 'UNKNOWN', 'The storage service returned an error (InternalError, HTTP 500): InternalError from the service'],
    [socket('ECONNREFUSED'), 'ENDPOINT_UNREACHABLE', 'connection refused'],
    [socket('ENOTFOUND'), 'ENDPOINT_UNREACHABLE', 'host name not found'],
    [socket('EAI_AGAIN'), 'ENDPOINT_UNREACHABLE', 'host name lookup failed'],
    [socket('ETIMEDOUT'), 'ENDPOINT_UNREACHABLE', 'timed out'],
    [socket('ECONNRESET'), 'ENDPOINT_UNREACHABLE', 'closed unexpectedly'],
    [Object.assign(new Error('no connection within 5000 ms'), { name: 'TimeoutError' }), 'ENDPOINT_UNREACHABLE', 'timed out'],
    [new Error('socket hang up'), 'ENDPOINT_UNREACHABLE', 'closed before an answer'],
    [new AggregateError([socket('ECONNREFUSED'), socket('ECONNREFUSED')]), 'ENDPOINT_UNREACHABLE', 'connection refused'],
    [socket('EACCES'), 'ACCESS_DENIED', 'permission denied'],
    [socket('EPERM'), 'ACCESS_DENIED', 'permission denied'],
    [socket('ENOTDIR'), 'INVALID_SETTINGS', 'not a directory'],
    [new Error('something else'), 'UNKNOWN', 'Storage failed: something else'],
    ['a string', 'UNKNOWN', 'Storage failed: a string'],
  ])('classifies %s', (error, code, message) => {
    const described = describeStorageError(error);
    expect(described.code).toBe(code);
    expect(described.message).toContain(message);
  });

  it('names the endpoint and bucket it is given', () => {
    expect(describeStorageError(socket('ENOTFOUND'), { endpoint: 'https://s3.nowhere.test' }).message).toBe('Cannot reach the storage endpoint https://s3.nowhere.test: host name not found.');
    expect(describeStorageError(service('NoSuchBucket', 404), { bucket: 'mine' }).message).toBe('The bucket "mine" does not exist at this endpoint.');
  });
});
