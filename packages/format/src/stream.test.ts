// Bytes to objects: chunk boundaries, line endings, gzip, long lines, and the encoder.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BulkEncodeError, BulkEncoder, type BulkObject, collectBytes, decodeBulk, encodeBulk, validateBulk, webGzip } from './index.ts';

const encoder = new TextEncoder();
const VERSION = '{"type":"version","version":1}';
const POST = (n: number, message = `message ${n}`) => JSON.stringify({ type: 'post', post: { team: 'team-a', channel: 'town', user: 'u', message, create_at: n } });

/** Splits bytes into chunks of `size`, to put boundaries everywhere. */
function chunked(bytes: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.length; offset += size) chunks.push(bytes.subarray(offset, offset + size));
  return chunks;
}

async function decodeAll(chunks: Uint8Array[]) {
  const objects: { line: number; object: BulkObject }[] = [];
  const errors = [];
  for await (const batch of decodeBulk(chunks)) {
    objects.push(...batch.objects);
    errors.push(...batch.errors);
  }
  return { objects, errors };
}

describe('decodeBulk', () => {
  const file = encoder.encode(`${VERSION}\r\n${POST(1, 'naïve ☕ 😀 日本')}\r\n${POST(2)}\n${POST(3)}`);

  it.each([1, 2, 3, 7, 64, 100_000])('gives the same objects whatever the chunk size (%i bytes)', async (size) => {
    const { objects, errors } = await decodeAll(chunked(file, size));
    expect(errors).toEqual([]);
    expect(objects.map((entry) => entry.line)).toEqual([1, 2, 3, 4]);
    expect((objects[1]!.object as { post: { message: string } }).post.message).toBe('naïve ☕ 😀 日本');
  });

  it('reads gzip by its magic bytes, whatever the chunking', async () => {
    const gzipped = gzipSync(file);
    for (const size of [1, 5, 1000]) {
      const { objects } = await decodeAll(chunked(gzipped, size));
      expect(objects).toHaveLength(4);
    }
  });

  it('reads a file that is gzip inside but not named so, and a plain one starting with 0x1f', async () => {
    const report = await validateBulk([gzipSync(file)]);
    expect(report).toMatchObject({ valid: true, lines: 4 });
    const odd = await validateBulk([new Uint8Array([0x1f, 0x20, 0x0a])]);
    expect(odd.errors[0]).toMatchObject({ line: 1, field: 'json' });
  });

  it('refuses a line longer than the limit without holding it', async () => {
    const long = POST(2, 'x'.repeat(5000));
    const report = await validateBulk(chunked(encoder.encode(`${VERSION}\n${long}\n${POST(3)}\n`), 100), { maxLineBytes: 1000 });
    expect(report.errors).toEqual([{ line: 2, type: '', field: 'json', message: 'the line is longer than 1000 bytes, the most Mattermost reads' }]);
    expect(report.counts.post).toBe(1);
  });

  it('refuses a byte order mark, as Mattermost does', async () => {
    const report = await validateBulk([new Uint8Array([0xef, 0xbb, 0xbf]), encoder.encode(`${VERSION}\n`)]);
    expect(report.errors[0]).toMatchObject({ line: 1, field: 'json' });
  });

  it('yields errors and objects in line order, batch by batch', async () => {
    const lines = [VERSION, POST(1), '{"type":"post","post":{}}', POST(3)];
    const { objects, errors } = await decodeAll(chunked(encoder.encode(lines.join('\n')), 10));
    expect(objects.map((entry) => entry.line)).toEqual([1, 2, 4]);
    expect(errors.map((error) => error.line)).toEqual([3, 3, 3, 3, 3]);
  });

  it('keeps only the first errors but counts them all', async () => {
    const lines = [VERSION, ...Array.from({ length: 50 }, () => '{"type":"post"}')];
    const report = await validateBulk([encoder.encode(lines.join('\n'))], { maxErrors: 10 });
    expect(report.errors).toHaveLength(10);
    expect(report.errorCount).toBe(50);
  });
});

describe('encoder', () => {
  it('writes one line per object and refuses what would not validate', () => {
    const bulk = new BulkEncoder();
    expect(bulk.encode({ type: 'version', version: 1 })).toBe(`${VERSION}\n`);
    expect(bulk.encode({ type: 'post', post: { team: 't', channel: 'c', user: 'u', message: 'two\nlines', create_at: 1 } })).toBe(
      '{"type":"post","post":{"team":"t","channel":"c","user":"u","message":"two\\nlines","create_at":1}}\n',
    );
    expect(() => bulk.encode({ type: 'team', team: { name: 'ok-team', display_name: 'T', type: 'O' } })).toThrow(/line 3: type: team lines must come before/);
    expect(() => bulk.encode({ type: 'post', post: { team: 't', channel: 'c', user: 'u', message: 'x', create_at: 0 } })).toThrow(BulkEncodeError);
    // A refused object takes no line number.
    expect(bulk.lines).toBe(2);
  });

  it('gzips and the decoder reads it back', async () => {
    const objects: BulkObject[] = [{ type: 'version', version: 1 }, ...Array.from({ length: 1000 }, (_, n) => JSON.parse(POST(n + 1)) as BulkObject)];
    const gz = await collectBytes(encodeBulk(objects, { gzip: true, chunkBytes: 1000 }));
    expect([gz[0], gz[1]]).toEqual([0x1f, 0x8b]);
    const { objects: back } = await decodeAll([gz]);
    expect(back.map((entry) => entry.object)).toEqual(objects);
    const twice = await collectBytes(webGzip(encodeBulk(objects)));
    expect((await validateBulk([twice])).counts.post).toBe(1000);
  });
});
