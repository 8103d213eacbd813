// A socket that reads into one buffer of its own, again and again. Node's sockets allocate a
// new buffer for every read; a million-post export reads hundreds of megabytes, and those buffers,
// dead at once, were freed only when V8 next collected, so the worker's memory rose with the size
// of the org. Here a reader can take each read in place (CopyOut copies COPY rows straight into
// its chunks); everyone else, node-postgres's parser included, gets a copy as a 'data' event,
// since it may keep what it is given.
import net from 'node:net';

/** As much as one read of a local socket brings. */
const READ_BYTES = 64 * 1024;

/** Takes one read in place; the bytes are overwritten by the next read. */
export type InPlaceReader = (data: Buffer) => void;

export class DirectReadSocket extends net.Socket {
  private reader: InPlaceReader | undefined;

  constructor() {
    const buffer = Buffer.allocUnsafe(READ_BYTES);
    const target: { socket?: DirectReadSocket } = {};
    // Returning false would pause the socket; pausing is left to pause().
    super({ onread: { buffer, callback: (length: number) => (target.socket!.deliver(buffer.subarray(0, length)), true) } });
    target.socket = this;
  }

  /** Gives every read to `reader`, without a copy, until called again without one. */
  divert(reader: InPlaceReader | undefined): void {
    this.reader = reader;
  }

  private deliver(data: Buffer): void {
    if (this.reader) this.reader(data);
    else this.emit('data', Buffer.from(data));
  }
}

/**
 * The socket a pool connection uses (node-postgres passes the connection's settings): this one
 * for plain connections; with TLS, which reads the socket itself, Node's own.
 */
export function databaseSocket(config?: { ssl?: unknown }): net.Socket {
  return config?.ssl ? new net.Socket() : new DirectReadSocket();
}
