// The end of an export's stream: gzip, then storage as a multipart upload, computing the SHA-256
// and the size on the way. One part is uploaded while the next fills, so compression and upload
// overlap; the two part buffers are taken at the start and used again and again, so an export
// needs the same memory whether its file is one part or a thousand.
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Gzip } from 'node:zlib';
import type { ObjectStorage } from '@org-export/storage';
import { collectYoungGarbage } from '../runtime.ts';

/** A piece of the file; `release`, if given, hands its buffer back once gzip has read it. */
export type FileChunk = { bytes: Buffer; release?: () => void };

/**
 * Gzips `chunks` into `writer`. The chunks are written one by one rather than through
 * stream.pipeline, because only a write's callback tells when gzip is done with a buffer: the
 * buffers posts are read into are handed back then, to be filled again (left to the garbage
 * collector, tens of megabytes of them pile up). Rejects with the first failure of either side;
 * a failure of the source destroys gzip, and the upload with it.
 */
export async function gzipInto(chunks: AsyncIterable<FileChunk>, gzip: Gzip, writer: Writable): Promise<void> {
  const delivered = pipeline(gzip, writer);
  // Awaited below; until then a failed upload must not count as an unhandled rejection.
  delivered.catch(() => {});
  try {
    for await (const { bytes, release } of chunks) {
      const accepted = gzip.write(bytes, (error) => {
        if (!error) release?.();
      });
      if (!accepted) await drained(gzip);
    }
    gzip.end();
  } catch (error) {
    gzip.destroy(error as Error);
  }
  await delivered;
}

/** Resolves when `stream` wants more; rejects when it was destroyed instead. */
function drained(stream: Writable): Promise<void> {
  if (stream.destroyed) return Promise.reject(stream.errored ?? new Error('the compressor was closed'));
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      stream.off('close', onClose);
      resolve();
    };
    const onClose = () => {
      stream.off('drain', onDrain);
      reject(stream.errored ?? new Error('the compressor was closed'));
    };
    stream.once('drain', onDrain);
    stream.once('close', onClose);
  });
}

/** gzip's output between two young-generation collections: about one of its output buffers. */
const COLLECT_EVERY_BYTES = 1024 * 1024;

export class MultipartWriter extends Writable {
  readonly hash = createHash('sha256');
  bytes = 0;
  private sinceCollected = 0;
  private readonly parts: { partNumber: number; etag: string }[] = [];
  /** The part being filled, and the one uploading (free again once its upload is done). */
  private filling: Buffer;
  private uploading: Buffer;
  private filled = 0;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly storage: ObjectStorage,
    private readonly key: string,
    private readonly uploadId: string,
    partSize: number,
  ) {
    super({ highWaterMark: 1024 * 1024 });
    // Written through now, so the pages are the process's from the start: an export's memory is
    // the same from its first second, and a worker short of it fails at once, not hours in.
    this.filling = Buffer.allocUnsafe(partSize).fill(0);
    this.uploading = Buffer.allocUnsafe(partSize).fill(0);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.sinceCollected += chunk.length;
    if (this.sinceCollected >= COLLECT_EVERY_BYTES) {
      this.sinceCollected = 0;
      collectYoungGarbage();
    }
    this.append(chunk).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    (async () => {
      // The last part may be small; an empty file still needs one part.
      if (this.filled > 0 || this.parts.length === 0) await this.flushPart();
      await this.inFlight;
      await this.storage.completeMultipartUpload(this.key, this.uploadId, this.parts);
    })().then(() => callback(), callback);
  }

  /** Copies `chunk` into parts, uploading each as it fills. */
  private async append(chunk: Buffer): Promise<void> {
    let offset = 0;
    while (offset < chunk.length) {
      const copied = chunk.copy(this.filling, this.filled, offset);
      this.filled += copied;
      offset += copied;
      if (this.filled === this.filling.length) await this.flushPart();
    }
  }

  /** Starts uploading the filled part once the previous one is done, and swaps the buffers. */
  private async flushPart(): Promise<void> {
    await this.inFlight;
    const buffer = this.filling;
    const partNumber = this.parts.length + 1;
    const upload = this.storage.uploadPart(this.key, this.uploadId, partNumber, buffer.subarray(0, this.filled)).then((part) => {
      this.parts[partNumber - 1] = part;
    });
    // Reserve the slot so the numbering stays in order.
    this.parts.push({ partNumber, etag: '' });
    this.inFlight = upload;
    // Surface a failed upload on the next write rather than as an unhandled rejection.
    upload.catch(() => {});
    this.filling = this.uploading;
    this.uploading = buffer;
    this.filled = 0;
  }

  get sha256(): string {
    return this.hash.digest('hex');
  }
}
