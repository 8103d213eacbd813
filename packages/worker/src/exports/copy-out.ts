// Reads `COPY (...) TO STDOUT` as bytes. For the length of the COPY the socket's data is read
// here instead of by node-postgres's parser, as pg-copy-streams does: each row is copied straight
// into a chunk of about a megabyte, so a million rows make no JavaScript object or string per
// row, and the chunks' buffers are filled again once consumed. On a DirectReadSocket the reads
// themselves come in place, so the whole COPY allocates nothing per read either. The first message
// that is not COPY data (CommandComplete, or an ErrorResponse) goes back to node-postgres with
// everything after it. While chunks wait for the caller the socket is paused, so a slow consumer
// holds PostgreSQL back instead of filling memory.
import type pg from 'pg';
import { DirectReadSocket } from './direct-read-socket.ts';

/** About one gzip call's worth of text; large enough that per-chunk work is negligible. */
const CHUNK_BYTES = 1024 * 1024;
/** Chunks read ahead of the caller before the socket is paused: one in hand, one arriving. */
const READ_AHEAD_CHUNKS = 2;

/** Message types of the protocol (PostgreSQL "Message Formats"). */
const COPY_DATA = 0x64; // 'd'
/** What may come between COPY data and is of no use here: CopyOutResponse, CopyDone, NoticeResponse, ParameterStatus, NotificationResponse. */
const PASSED_OVER = new Set([0x48, 0x63, 0x4e, 0x53, 0x41]); // 'H' 'c' 'N' 'S' 'A'
/** Type byte and int32 length. */
const HEADER_BYTES = 5;

/** Buffers kept for reuse: the read-ahead plus what gzip holds, so a new one is rarely needed. */
const SPARE_BUFFERS = 4;

/**
 * Some rows of the COPY output, each ending in a newline. Call `release` once the bytes have been
 * consumed, so that their buffer is filled again instead of left to the garbage collector.
 */
export type CopyChunk = { rows: number; bytes: Buffer; release: () => void };

type DataListener = (data: Buffer) => void;

/**
 * One `COPY ... TO STDOUT` statement. Submit it with `client.query(copy)`, then iterate
 * `chunks()`. Stopping early cancels the statement (through `cancel`, which must cancel the
 * backend from another connection), so the client is free again within moments.
 */
export class CopyOut implements pg.Submittable {
  private connection: pg.Connection | undefined;
  private pgListener: DataListener | undefined;
  private buffer: Buffer = Buffer.alloc(0);
  private used = 0;
  private rows = 0;
  /** Bytes of the current message still to come: payload to copy, or a message to pass over. */
  private copying = 0;
  private passing = 0;
  /** A message header split between two reads. */
  private carry: Buffer | undefined;
  private readonly queue: CopyChunk[] = [];
  private readonly spare: Buffer[] = [];
  private paused = false;
  /** After an early stop: what still arrives is dropped. */
  private discarding = false;
  private ended = false;
  private error: Error | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly sql: string,
    private readonly cancel: () => Promise<void>,
  ) {}

  /** node-postgres calls this when the statement's turn comes: nothing else is being read then. */
  submit(connection: pg.Connection): Error | undefined {
    const stream = connection.stream;
    const listeners = stream.listeners('data') as DataListener[];
    if (listeners.length !== 1) return new Error(`cannot read COPY data: the connection has ${listeners.length} data listeners, not node-postgres's one`);
    this.connection = connection;
    this.pgListener = listeners[0];
    if (stream instanceof DirectReadSocket) stream.divert(this.onData);
    else {
      stream.removeListener('data', this.pgListener!);
      stream.on('data', this.onData);
    }
    connection.query(this.sql);
    return undefined;
  }

  handleCommandComplete(): void {}

  handleReadyForQuery(): void {
    this.finish(undefined);
  }

  handleError(error: Error): void {
    this.restoreParser(Buffer.alloc(0));
    this.finish(error);
  }

  /** The rows in order; throws what the statement failed with. */
  async *chunks(): AsyncGenerator<CopyChunk> {
    try {
      for (;;) {
        const chunk = this.queue.shift();
        if (chunk) {
          this.resumeBelowReadAhead();
          yield chunk;
        } else if (this.error) {
          throw this.error;
        } else if (this.ended) {
          return;
        } else {
          await new Promise<void>((resolve) => (this.wake = resolve));
        }
      }
    } finally {
      if (!this.ended) await this.stop();
    }
  }

  private readonly onData = (data: Buffer): void => {
    if (this.carry) {
      data = Buffer.concat([this.carry, data]);
      this.carry = undefined;
    }
    let offset = 0;
    while (offset < data.length) {
      if (this.copying > 0) {
        const bytes = Math.min(this.copying, data.length - offset);
        if (!this.discarding) this.used += data.copy(this.buffer, this.used, offset, offset + bytes);
        this.copying -= bytes;
        offset += bytes;
      } else if (this.passing > 0) {
        const bytes = Math.min(this.passing, data.length - offset);
        this.passing -= bytes;
        offset += bytes;
      } else if (data.length - offset < HEADER_BYTES) {
        this.carry = Buffer.from(data.subarray(offset));
        return;
      } else {
        const type = data[offset]!;
        const payload = data.readUInt32BE(offset + 1) - 4;
        if (type === COPY_DATA) this.startRow(payload);
        else if (PASSED_OVER.has(type)) this.passing = payload;
        else {
          // The COPY is over; node-postgres reads the rest, this message included.
          this.flush();
          this.restoreParser(data.subarray(offset));
          return;
        }
        offset += HEADER_BYTES;
      }
    }
  };

  /** Makes room for a whole row, so that a chunk always ends at the end of a line. */
  private startRow(bytes: number): void {
    this.copying = bytes;
    if (this.discarding) return;
    if (this.used + bytes > this.buffer.length) {
      this.flush();
      this.buffer = bytes <= CHUNK_BYTES ? (this.spare.pop() ?? Buffer.allocUnsafe(CHUNK_BYTES)) : Buffer.allocUnsafe(bytes);
    }
    this.rows++;
  }

  /** Hands on what is gathered, pausing the socket once enough waits. */
  private flush(): void {
    if (this.used > 0 && !this.discarding) {
      const buffer = this.buffer;
      let released = false;
      const release = () => {
        if (!released && buffer.length === CHUNK_BYTES && this.spare.length < SPARE_BUFFERS) this.spare.push(buffer);
        released = true;
      };
      this.queue.push({ rows: this.rows, bytes: buffer.subarray(0, this.used), release });
      this.buffer = Buffer.alloc(0);
      this.used = 0;
      this.rows = 0;
      if (this.queue.length >= READ_AHEAD_CHUNKS && !this.paused) {
        this.paused = true;
        this.connection?.stream.pause();
      }
    }
    this.notify();
  }

  /** Gives the socket back to node-postgres's parser, starting with `rest`. */
  private restoreParser(rest: Buffer): void {
    const connection = this.connection;
    const pgListener = this.pgListener;
    if (!connection || !pgListener) return;
    this.pgListener = undefined;
    const stream = connection.stream;
    if (stream instanceof DirectReadSocket) stream.divert(undefined);
    else {
      stream.removeListener('data', this.onData);
      stream.on('data', pgListener);
    }
    // What follows answers the client's next statements; it must not wait for the caller.
    if (this.paused) {
      this.paused = false;
      connection.stream.resume();
    }
    // A copy: the parser may keep what it is given, and a DirectReadSocket reuses its buffer.
    if (rest.length > 0) pgListener(Buffer.from(rest));
  }

  private resumeBelowReadAhead(): void {
    if (this.paused && this.queue.length < READ_AHEAD_CHUNKS) {
      this.paused = false;
      this.connection?.stream.resume();
    }
  }

  private finish(error: Error | undefined): void {
    this.ended = true;
    this.error ??= error;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** Cancels the statement, drops what still arrives, and waits until the client is free. */
  private async stop(): Promise<void> {
    this.discarding = true;
    this.queue.length = 0;
    this.resumeBelowReadAhead();
    // Without the cancel the statement still ends, only later, once PostgreSQL has sent it all.
    await this.cancel().catch(() => {});
    while (!this.ended) await new Promise<void>((resolve) => (this.wake = resolve));
  }
}
