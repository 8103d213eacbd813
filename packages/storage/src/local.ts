// Storage in a directory of the API's own machine, for a laptop or a demo without S3. It keeps
// S3's rules (part sizes, atomic objects) so a flow that works here works against a bucket.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StorageError, type StorageErrorContext, toStorageError } from './errors.ts';
import { MIN_PART_BYTES, type ObjectStorage, type PresignedUrl, type UploadedPart, assertPartNumber, assertPresignSeconds, assertRelativeKey, joinKey } from './storage.ts';

/** Unfinished uploads and temp files live here, under the root, so renames stay on one filesystem. */
const UPLOADS_DIR = '.uploads';
const UPLOAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MANIFEST = 'upload.json';

export type LocalStorageOptions = {
  root: string;
  prefix: string;
  /** Makes the URL the API serves `fullKey` (relative to root) at until `expiresAt`. */
  signUrl: (fullKey: string, expiresAt: Date, fileName: string) => string;
};

type UploadManifest = { fullKey: string; contentType: string };

export class LocalStorage implements ObjectStorage {
  readonly description: string;
  readonly #root: string;
  readonly #prefix: string;
  readonly #signUrl: LocalStorageOptions['signUrl'];
  readonly #context: StorageErrorContext;

  constructor(options: LocalStorageOptions) {
    this.#root = resolve(options.root);
    this.#prefix = options.prefix;
    this.#signUrl = options.signUrl;
    this.description = `local directory ${join(this.#root, options.prefix)}`;
    this.#context = { directory: this.#root };
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    const { path: target } = this.#locate(key);
    await this.#run(async () => {
      const temp = join(this.#uploadsDir(), `${randomUUID()}.tmp`);
      await mkdir(dirname(temp), { recursive: true });
      try {
        await writeFile(temp, body);
        await mkdir(dirname(target), { recursive: true });
        await rename(temp, target);
      } finally {
        await rm(temp, { force: true });
      }
    });
  }

  async get(key: string): Promise<Uint8Array> {
    const { path } = this.#locate(key);
    return this.#run(async () => {
      try {
        return new Uint8Array(await readFile(path));
      } catch (error) {
        if (isMissing(error)) throw noSuchObject(key, this.description, error);
        throw error;
      }
    });
  }

  async head(key: string): Promise<{ size: number } | undefined> {
    const { path } = this.#locate(key);
    return this.#run(async () => {
      try {
        const stats = await stat(path);
        return stats.isFile() ? { size: stats.size } : undefined;
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    });
  }

  async delete(key: string): Promise<void> {
    const { path } = this.#locate(key);
    await this.#run(async () => {
      try {
        await unlink(path);
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
    });
  }

  async createMultipartUpload(key: string, contentType: string): Promise<string> {
    const { fullKey } = this.#locate(key);
    return this.#run(async () => {
      const uploadId = randomUUID();
      const directory = join(this.#uploadsDir(), uploadId);
      await mkdir(directory, { recursive: true });
      const manifest: UploadManifest = { fullKey, contentType };
      await writeFile(join(directory, MANIFEST), JSON.stringify(manifest));
      return uploadId;
    });
  }

  async uploadPart(key: string, uploadId: string, partNumber: number, body: Uint8Array): Promise<UploadedPart> {
    const { fullKey } = this.#locate(key);
    assertPartNumber(partNumber);
    return this.#run(async () => {
      const directory = await this.#openUpload(fullKey, uploadId);
      if (!directory) throw noSuchUpload(uploadId);
      await writeFile(partPath(directory, partNumber), body);
      return { partNumber, etag: createHash('md5').update(body).digest('hex') };
    });
  }

  async completeMultipartUpload(key: string, uploadId: string, parts: UploadedPart[]): Promise<void> {
    const { fullKey, path: target } = this.#locate(key);
    if (parts.length === 0) throw new RangeError('a multipart upload needs at least one part');
    const ordered = [...parts].sort((a, b) => a.partNumber - b.partNumber);
    await this.#run(async () => {
      const directory = await this.#openUpload(fullKey, uploadId);
      if (!directory) throw noSuchUpload(uploadId);
      await checkParts(directory, ordered);
      // Assembled beside the parts and renamed into place, so the final name only ever shows a whole file.
      const assembled = join(directory, 'assembled.tmp');
      await pipeline(concatenateParts(directory, ordered), createWriteStream(assembled));
      await mkdir(dirname(target), { recursive: true });
      await rename(assembled, target);
      await rm(directory, { recursive: true, force: true });
    });
  }

  async abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    const { fullKey } = this.#locate(key);
    await this.#run(async () => {
      const directory = await this.#openUpload(fullKey, uploadId);
      if (directory) await rm(directory, { recursive: true, force: true });
    });
  }

  async presignGet(key: string, options: { expiresInSeconds: number; fileName: string }): Promise<PresignedUrl> {
    const { fullKey } = this.#locate(key);
    assertPresignSeconds(options.expiresInSeconds);
    const expiresAt = new Date(Date.now() + options.expiresInSeconds * 1000);
    return { url: this.#signUrl(fullKey, expiresAt, options.fileName), expiresAt };
  }

  #locate(key: string): { fullKey: string; path: string } {
    const fullKey = joinKey(this.#prefix, key);
    return { fullKey, path: resolveObjectPath(this.#root, fullKey) };
  }

  #uploadsDir(): string {
    return join(this.#root, UPLOADS_DIR);
  }

  /** The upload's directory when `uploadId` is an upload of `fullKey`, else undefined. */
  async #openUpload(fullKey: string, uploadId: string): Promise<string | undefined> {
    // Checked before it goes near a path, since it comes from the caller.
    if (!UPLOAD_ID.test(uploadId)) return undefined;
    const directory = join(this.#uploadsDir(), uploadId);
    let manifest: UploadManifest;
    try {
      manifest = JSON.parse(await readFile(join(directory, MANIFEST), 'utf8')) as UploadManifest;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    return manifest.fullKey === fullKey ? directory : undefined;
  }

  async #run<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw toStorageError(error, this.#context);
    }
  }
}

/**
 * Opens a stored file for the API's download handler. `fullKey` is relative to `root` (the key a
 * signed URL names), and gets the same path checks as every other key.
 */
export async function openLocalObject(root: string, fullKey: string): Promise<{ stream: Readable; size: number }> {
  const path = resolveObjectPath(resolve(root), fullKey);
  try {
    const handle = await open(path, 'r');
    try {
      // The size comes from the opened file, so a replaced file cannot mismatch its length.
      const stats = await handle.stat();
      if (!stats.isFile()) throw noSuchObject(fullKey, `local directory ${root}`);
      return { stream: handle.createReadStream(), size: stats.size };
    } catch (error) {
      await handle.close();
      throw error;
    }
  } catch (error) {
    if (isMissing(error)) throw noSuchObject(fullKey, `local directory ${root}`, error);
    throw toStorageError(error, { directory: root });
  }
}

/** Maps a key onto a path under root, refusing anything that could leave root or reach the upload area. */
function resolveObjectPath(root: string, fullKey: string): string {
  assertRelativeKey(fullKey);
  if (fullKey.split('/')[0] === UPLOADS_DIR) throw new RangeError(`storage key ${JSON.stringify(fullKey)} is inside the reserved ${UPLOADS_DIR} directory`);
  const path = resolve(root, ...fullKey.split('/'));
  const inside = relative(root, path);
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    throw new RangeError(`storage key ${JSON.stringify(fullKey)} leaves the storage directory`);
  }
  return path;
}

/** Zero-padded so the parts sort by name in part order. */
function partPath(directory: string, partNumber: number): string {
  return join(directory, `part-${String(partNumber).padStart(5, '0')}`);
}

/** Holds the local backend to S3's rules, so an upload that would fail on S3 fails here too. */
async function checkParts(directory: string, ordered: UploadedPart[]): Promise<void> {
  for (const [index, part] of ordered.entries()) {
    if (index > 0 && ordered[index - 1]!.partNumber === part.partNumber) throw new StorageError('UNKNOWN', `Part ${part.partNumber} is listed twice.`);
    let size: number;
    try {
      size = (await stat(partPath(directory, part.partNumber))).size;
    } catch (error) {
      if (isMissing(error)) throw new StorageError('UNKNOWN', `Part ${part.partNumber} was never uploaded.`, { cause: error });
      throw error;
    }
    if (index < ordered.length - 1 && size < MIN_PART_BYTES) {
      throw new StorageError('UNKNOWN', `Part ${part.partNumber} is ${size} bytes; every part but the last must be at least ${MIN_PART_BYTES} bytes.`);
    }
  }
}

/** Streams the parts one after another, checking each against the ETag its upload returned. */
async function* concatenateParts(directory: string, ordered: UploadedPart[]): AsyncGenerator<Buffer> {
  for (const part of ordered) {
    const hash = createHash('md5');
    for await (const chunk of createReadStream(partPath(directory, part.partNumber))) {
      hash.update(chunk as Buffer);
      yield chunk as Buffer;
    }
    if (hash.digest('hex') !== part.etag.replace(/"/g, '')) {
      throw new StorageError('UNKNOWN', `Part ${part.partNumber} does not match its ETag; it was uploaded again or changed since.`);
    }
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function noSuchObject(key: string, where: string, cause?: unknown): StorageError {
  return new StorageError('UNKNOWN', `There is no object "${key}" in ${where}.`, { cause });
}

function noSuchUpload(uploadId: string): StorageError {
  return new StorageError('UNKNOWN', `The multipart upload ${uploadId} is not known; it was completed, aborted or never started.`);
}
