// A Writable that sends what is written to it to storage as a multipart upload, computing the
// SHA-256 and the size on the way. One part is uploaded while the next fills, so compression
// and upload overlap without holding more than two parts in memory.
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import type { ObjectStorage } from '@org-export/storage';

export class MultipartWriter extends Writable {
  readonly hash = createHash('sha256');
  bytes = 0;
  private readonly parts: { partNumber: number; etag: string }[] = [];
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly storage: ObjectStorage,
    private readonly key: string,
    private readonly uploadId: string,
    private readonly partSize: number,
  ) {
    super({ highWaterMark: 1024 * 1024 });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.buffered.push(chunk);
    this.bufferedBytes += chunk.length;
    if (this.bufferedBytes < this.partSize) return callback();
    this.flushPart().then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    (async () => {
      // The last part may be small; an empty file still needs one part.
      if (this.bufferedBytes > 0 || this.parts.length === 0) await this.flushPart();
      await this.inFlight;
      await this.storage.completeMultipartUpload(this.key, this.uploadId, this.parts);
    })().then(() => callback(), callback);
  }

  /** Starts uploading what is buffered once the previous part is done. */
  private async flushPart(): Promise<void> {
    await this.inFlight;
    const body = Buffer.concat(this.buffered, this.bufferedBytes);
    this.buffered = [];
    this.bufferedBytes = 0;
    const partNumber = this.parts.length + 1;
    const upload = this.storage.uploadPart(this.key, this.uploadId, partNumber, body).then((part) => {
      this.parts[partNumber - 1] = part;
    });
    // Reserve the slot so the numbering stays in order.
    this.parts.push({ partNumber, etag: '' });
    this.inFlight = upload;
    // Surface a failed upload on the next write rather than as an unhandled rejection.
    upload.catch(() => {});
  }

  get sha256(): string {
    return this.hash.digest('hex');
  }
}
