// What exports and downloads need from an org's storage, whichever backend holds the files, and
// the connection test an org admin runs before the first export.
import { randomBytes, randomUUID } from 'node:crypto';
import { type StorageErrorCode, describeStorageError } from './errors.ts';

/** S3's floor for every part of a multipart upload but the last; the local backend holds to it too. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
/** S3's highest part number. */
export const MAX_PART_NUMBER = 10_000;
/** SigV4 presigned URLs live at most a week. */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 60 * 60;

export type UploadedPart = { partNumber: number; etag: string };

export type PresignedUrl = { url: string; expiresAt: Date };

/** One org's storage; every key is relative to the configured prefix. */
export interface ObjectStorage {
  /** Where the objects go, for logs and messages, e.g. "s3://bucket/prefix at http://127.0.0.1:1234". */
  readonly description: string;
  put(key: string, body: Uint8Array | string): Promise<void>;
  /** Reads a whole object into memory: for small objects only, such as the probe. */
  get(key: string): Promise<Uint8Array>;
  head(key: string): Promise<{ size: number } | undefined>;
  delete(key: string): Promise<void>;
  /** Multipart upload for streaming large files; parts are at least MIN_PART_BYTES except the last. */
  createMultipartUpload(key: string, contentType: string): Promise<string>;
  uploadPart(key: string, uploadId: string, partNumber: number, body: Uint8Array): Promise<UploadedPart>;
  completeMultipartUpload(key: string, uploadId: string, parts: UploadedPart[]): Promise<void>;
  /** Idempotent: an upload that is unknown, already aborted or completed is not an error. */
  abortMultipartUpload(key: string, uploadId: string): Promise<void>;
  /** A GET URL that expires; `fileName` is offered to the browser as the download's name. */
  presignGet(key: string, options: { expiresInSeconds: number; fileName: string }): Promise<PresignedUrl>;
}

export type StorageTestResult = { ok: true } | { ok: false; code: StorageErrorCode; message: string };

/**
 * Writes, reads back and deletes a random probe object under `.probe/`, and checks it is gone.
 * Never throws: every failure comes back classified.
 */
export async function testStorage(storage: ObjectStorage): Promise<StorageTestResult> {
  const key = `.probe/${randomUUID()}.txt`;
  const content = `storage probe ${randomBytes(16).toString('hex')}`;
  let step: 'write' | 'read' | 'delete' = 'write';
  let written = false;
  try {
    await storage.put(key, content);
    written = true;
    step = 'read';
    const readBack = Buffer.from(await storage.get(key)).toString('utf8');
    if (readBack !== content) {
      return { ok: false, code: 'UNKNOWN', message: `The probe object read back from ${storage.description} is not what was written; the storage does not keep data intact.` };
    }
    step = 'delete';
    await storage.delete(key);
    written = false;
    if (await storage.head(key)) {
      written = true;
      return { ok: false, code: 'UNKNOWN', message: `The probe object is still in ${storage.description} after it was deleted.` };
    }
    return { ok: true };
  } catch (error) {
    const described = describeStorageError(error);
    // Write-only credentials pass the first step; say which permission is missing.
    if (described.code === 'ACCESS_DENIED' && step !== 'write') {
      return { ok: false, code: 'ACCESS_DENIED', message: `The credentials may write to this bucket or prefix but not ${step} objects there.` };
    }
    return { ok: false, ...described };
  } finally {
    if (written) await storage.delete(key).catch(() => undefined);
  }
}

/** Joins a prefix ("", "a/b" or "a/b/") and a relative key without doubling slashes. */
export function joinKey(prefix: string, key: string): string {
  assertRelativeKey(key);
  const base = prefix.replace(/\/+$/, '');
  return base === '' ? key : `${base}/${key}`;
}

/**
 * Keys are relative paths without empty, "." or ".." segments: the local backend maps them onto
 * the filesystem, and S3 keys follow the same rule so both backends accept the same keys.
 */
export function assertRelativeKey(key: string): void {
  const segments = key.split('/');
  if (key === '' || key.includes('\0') || segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw new RangeError(`storage key ${JSON.stringify(key)} must be a relative path without empty, "." or ".." segments`);
  }
}

export function assertPartNumber(partNumber: number): void {
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
    throw new RangeError(`part number ${partNumber} must be an integer from 1 to ${MAX_PART_NUMBER}`);
  }
}

export function assertPresignSeconds(expiresInSeconds: number): void {
  if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > MAX_PRESIGN_SECONDS) {
    throw new RangeError(`a download URL must expire after 1 to ${MAX_PRESIGN_SECONDS} whole seconds, not ${expiresInSeconds}`);
  }
}

/**
 * A Content-Disposition that offers `fileName` as a download: an ASCII `filename` for old clients
 * and the exact name as RFC 5987 `filename*`, which current browsers prefer.
 */
export function attachmentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '\\$&');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeRfc5987(fileName)}`;
}

/** Percent-encodes all but RFC 5987's attr-chars; lone surrogates become U+FFFD instead of throwing. */
function encodeRfc5987(text: string): string {
  let encoded = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    encoded += /[A-Za-z0-9!#$&+.^_`|~-]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}
