// Byte sources: whatever a caller has (a web stream, a Node stream, an array of chunks) becomes an
// async iterable of chunks, gunzipped when it starts with gzip's magic bytes.

export type ByteSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array> | ReadableStream<Uint8Array>;

/** Turns compressed chunks into plain ones. Node callers may pass one built on node:zlib. */
export type Gunzip = (compressed: AsyncIterable<Uint8Array>) => AsyncIterable<Uint8Array>;

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

export function toAsyncIterable(source: ByteSource): AsyncIterable<Uint8Array> {
  if (typeof (source as ReadableStream<Uint8Array>).getReader === 'function') return readStream(source as ReadableStream<Uint8Array>);
  if (Symbol.asyncIterator in source) return source as AsyncIterable<Uint8Array>;
  const iterable = source as Iterable<Uint8Array>;
  return (async function* () {
    yield* iterable;
  })();
}

async function* readStream(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/** Gunzips with the platform's DecompressionStream (browsers, Node, Deno). */
export const webGunzip: Gunzip = (compressed) => readStream(fromAsyncIterable(compressed).pipeThrough(new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>));

/** Compresses with the platform's CompressionStream. */
export function webGzip(plain: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  return readStream(fromAsyncIterable(plain).pipeThrough(new CompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>));
}

function fromAsyncIterable(chunks: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const iterator = chunks[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await iterator.next();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel(reason) {
      await iterator.return?.(reason);
    },
  });
}

/** Yields the plain bytes of `source`, gunzipping it when its first two bytes say it is gzip. */
export async function* plainBytes(source: ByteSource, gunzip: Gunzip = webGunzip): AsyncGenerator<Uint8Array> {
  const iterator = toAsyncIterable(source)[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let headBytes = 0;
  let finished = false;
  while (headBytes < 2) {
    const next = await iterator.next();
    if (next.done) {
      finished = true;
      break;
    }
    if (next.value.byteLength === 0) continue;
    head.push(next.value);
    headBytes += next.value.byteLength;
  }
  const first = head[0];
  const second = first && first.byteLength > 1 ? first[1] : head[1]?.[0];
  async function* rest(): AsyncGenerator<Uint8Array> {
    yield* head;
    if (finished) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  if (first?.[0] === GZIP_MAGIC_0 && second === GZIP_MAGIC_1) yield* gunzip(rest());
  else yield* rest();
}
