// The streaming encoder: objects to lines. It checks every object with the same validator the
// decoder uses, so whatever it writes validates.
import { type ByteSource, toAsyncIterable, webGzip } from './bytes.ts';
import { MAX_LINE_BYTES } from './limits.ts';
import { utf8Length } from './text.ts';
import type { BulkError, BulkObject } from './types.ts';
import { BulkValidator } from './validator.ts';

/** Thrown when asked to write an object that breaks the format's rules. */
export class BulkEncodeError extends Error {
  constructor(readonly errors: BulkError[]) {
    const first = errors[0];
    super(first ? `line ${first.line}: ${first.field}: ${first.message}` : 'invalid object');
    this.name = 'BulkEncodeError';
  }
}

/**
 * Turns objects into lines one at a time, keeping track of the line number and the order of
 * types. `encode` returns the line with its newline.
 */
export class BulkEncoder {
  private readonly errors: BulkError[] = [];
  private readonly validator = new BulkValidator({
    error: (error) => this.errors.push(error),
    warning: () => {},
  });
  private line = 0;

  encode(object: BulkObject): string {
    this.line++;
    this.validator.acceptValue(object, this.line);
    if (this.errors.length > 0) {
      const errors = this.errors.splice(0);
      this.line--;
      throw new BulkEncodeError(errors);
    }
    const text = JSON.stringify(object);
    if (text.length * 3 > MAX_LINE_BYTES && utf8Length(text) > MAX_LINE_BYTES) {
      this.line--;
      throw new BulkEncodeError([{ line: this.line + 1, type: object.type, field: 'json', message: `the line would be longer than ${MAX_LINE_BYTES} bytes` }]);
    }
    return `${text}\n`;
  }

  /** Lines written so far. */
  get lines(): number {
    return this.line;
  }
}

export type EncodeOptions = {
  /** Gzip the output (with the platform's CompressionStream). */
  gzip?: boolean;
  /** Roughly how many bytes of text to gather before yielding a chunk. */
  chunkBytes?: number;
};

/** Encodes objects into chunks of UTF-8 bytes, gzipped if asked. */
export async function* encodeBulk(objects: AsyncIterable<BulkObject> | Iterable<BulkObject>, options: EncodeOptions = {}): AsyncGenerator<Uint8Array> {
  const plain = encodePlain(objects, options.chunkBytes ?? 64 * 1024);
  yield* options.gzip ? webGzip(plain) : plain;
}

async function* encodePlain(objects: AsyncIterable<BulkObject> | Iterable<BulkObject>, chunkBytes: number): AsyncGenerator<Uint8Array> {
  const encoder = new BulkEncoder();
  const text = new TextEncoder();
  let pending = '';
  for await (const object of objects) {
    pending += encoder.encode(object);
    if (pending.length >= chunkBytes) {
      yield text.encode(pending);
      pending = '';
    }
  }
  if (encoder.lines === 0) throw new BulkEncodeError([{ line: 1, type: '', field: 'type', message: 'a file needs at least the version line' }]);
  if (pending.length > 0) yield text.encode(pending);
}

/** Collects a byte source into one array; for tests and small files only. */
export async function collectBytes(source: ByteSource): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of toAsyncIterable(source)) {
    chunks.push(chunk);
    size += chunk.byteLength;
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return all;
}
