// An org's own bucket on AWS S3 or any S3-compatible service.
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { StorageError, type StorageErrorContext, toStorageError } from './errors.ts';
import { type ObjectStorage, type PresignedUrl, type UploadedPart, assertPartNumber, assertPresignSeconds, attachmentDisposition, joinKey } from './storage.ts';

const SECOND = 1000;
/** A reachable endpoint accepts a connection well within this; a dead one should fail the test fast. */
const CONNECT_TIMEOUT_MS = 5 * SECOND;
/**
 * How long a connection may sit silent. An idle limit rather than a total one: a large part on a
 * slow link may take minutes, but no byte moving for this long means the connection is dead.
 */
const IDLE_TIMEOUT_MS = 30 * SECOND;
/** One retry: enough for a dropped keep-alive connection, few enough to report a dead endpoint quickly. */
const MAX_ATTEMPTS = 2;

export type S3StorageOptions = {
  /** Empty or absent for AWS itself. */
  endpoint?: string | undefined;
  region: string;
  bucket: string;
  prefix: string;
  /** Path-style URLs (endpoint/bucket/key), which most S3-compatible services other than AWS need. */
  forcePathStyle: boolean;
  accessKeyId: string;
  secretAccessKey: string;
  requestTimeoutMs?: number | undefined;
};

export class S3Storage implements ObjectStorage {
  readonly description: string;
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;
  readonly #context: StorageErrorContext;

  constructor(options: S3StorageOptions) {
    const endpoint = options.endpoint?.trim() || undefined;
    this.#bucket = options.bucket;
    this.#prefix = options.prefix;
    this.#client = new S3Client({
      endpoint,
      region: options.region,
      forcePathStyle: options.forcePathStyle,
      credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
      maxAttempts: MAX_ATTEMPTS,
      requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS, socketTimeout: options.requestTimeoutMs ?? IDLE_TIMEOUT_MS },
      // Checksums only where S3 demands them: several S3-compatible services reject the
      // checksum headers and trailers that newer SDKs send by default.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    const where = endpoint ? `at ${endpoint}` : `in AWS region ${options.region}`;
    this.description = `s3://${options.bucket}/${options.prefix.replace(/^\/+/, '')} ${where}`;
    this.#context = { endpoint: endpoint ?? `https://s3.${options.region}.amazonaws.com`, bucket: options.bucket };
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    const Key = joinKey(this.#prefix, key);
    await this.#run(() => this.#client.send(new PutObjectCommand({ Bucket: this.#bucket, Key, Body: body })));
  }

  async get(key: string): Promise<Uint8Array> {
    const Key = joinKey(this.#prefix, key);
    return this.#run(async () => {
      const response = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key }));
      return response.Body ? await response.Body.transformToByteArray() : new Uint8Array();
    });
  }

  async head(key: string): Promise<{ size: number } | undefined> {
    const Key = joinKey(this.#prefix, key);
    return this.#run(async () => {
      try {
        const response = await this.#client.send(new HeadObjectCommand({ Bucket: this.#bucket, Key }));
        return { size: response.ContentLength ?? 0 };
      } catch (error) {
        // A HEAD answer has no body, so a missing bucket looks the same as a missing object here.
        if (statusOf(error) === 404) return undefined;
        throw error;
      }
    });
  }

  async delete(key: string): Promise<void> {
    const Key = joinKey(this.#prefix, key);
    await this.#run(() => this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key })));
  }

  async createMultipartUpload(key: string, contentType: string): Promise<string> {
    const Key = joinKey(this.#prefix, key);
    return this.#run(async () => {
      const response = await this.#client.send(new CreateMultipartUploadCommand({ Bucket: this.#bucket, Key, ContentType: contentType }));
      if (!response.UploadId) throw new StorageError('UNKNOWN', 'The storage service started a multipart upload but returned no upload id.');
      return response.UploadId;
    });
  }

  async uploadPart(key: string, uploadId: string, partNumber: number, body: Uint8Array): Promise<UploadedPart> {
    const Key = joinKey(this.#prefix, key);
    assertPartNumber(partNumber);
    return this.#run(async () => {
      const response = await this.#client.send(new UploadPartCommand({ Bucket: this.#bucket, Key, UploadId: uploadId, PartNumber: partNumber, Body: body }));
      if (!response.ETag) throw new StorageError('UNKNOWN', `The storage service accepted part ${partNumber} but returned no ETag for it.`);
      return { partNumber, etag: response.ETag };
    });
  }

  async completeMultipartUpload(key: string, uploadId: string, parts: UploadedPart[]): Promise<void> {
    const Key = joinKey(this.#prefix, key);
    if (parts.length === 0) throw new RangeError('a multipart upload needs at least one part');
    // S3 wants the list in ascending part order.
    const Parts = [...parts].sort((a, b) => a.partNumber - b.partNumber).map((part) => ({ PartNumber: part.partNumber, ETag: part.etag }));
    await this.#run(() => this.#client.send(new CompleteMultipartUploadCommand({ Bucket: this.#bucket, Key, UploadId: uploadId, MultipartUpload: { Parts } })));
  }

  async abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    const Key = joinKey(this.#prefix, key);
    await this.#run(async () => {
      try {
        await this.#client.send(new AbortMultipartUploadCommand({ Bucket: this.#bucket, Key, UploadId: uploadId }));
      } catch (error) {
        const name = nameOf(error);
        if (name === 'NoSuchUpload' || (statusOf(error) === 404 && name !== 'NoSuchBucket')) return;
        throw error;
      }
    });
  }

  async presignGet(key: string, options: { expiresInSeconds: number; fileName: string }): Promise<PresignedUrl> {
    const Key = joinKey(this.#prefix, key);
    assertPresignSeconds(options.expiresInSeconds);
    // SigV4 dates have whole seconds; signing at a whole second makes `expiresAt` exact.
    const signingDate = new Date(Math.floor(Date.now() / SECOND) * SECOND);
    const expiresAt = new Date(signingDate.getTime() + options.expiresInSeconds * SECOND);
    const command = new GetObjectCommand({ Bucket: this.#bucket, Key, ResponseContentDisposition: attachmentDisposition(options.fileName) });
    const url = await this.#run(() => getSignedUrl(this.#client, command, { expiresIn: options.expiresInSeconds, signingDate }));
    return { url, expiresAt };
  }

  /** Releases the client's sockets. */
  close(): void {
    this.#client.destroy();
  }

  async #run<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw toStorageError(error, this.#context);
    }
  }
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

function nameOf(error: unknown): string | undefined {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : undefined;
}
