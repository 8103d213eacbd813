// One measurement of bench-format, in its own process: `bare FILE` or `validate FILE`.
// Prints {"seconds","maxRssMb","lines"} as its last line.
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { validateBulk } from '@org-export/format';

const [mode, file] = process.argv.slice(2) as [string, string];

async function* bytes(): AsyncGenerator<Buffer> {
  const source = createReadStream(file, { highWaterMark: 256 * 1024 });
  const head = await new Promise<Buffer>((resolve) => source.once('readable', () => resolve(source.read(2) as Buffer)));
  source.unshift(head);
  yield* (head[0] === 0x1f && head[1] === 0x8b ? source.pipe(createGunzip()) : source) as AsyncIterable<Buffer>;
}

/** What anyone would write first: split on newlines and JSON.parse each line. */
async function bare(): Promise<number> {
  const decoder = new TextDecoder();
  let carry = '';
  let count = 0;
  for await (const chunk of bytes()) {
    const parts = (carry + decoder.decode(chunk, { stream: true })).split('\n');
    carry = parts.pop() ?? '';
    for (const part of parts) {
      JSON.parse(part);
      count++;
    }
  }
  if (carry) {
    JSON.parse(carry);
    count++;
  }
  return count;
}

async function validate(): Promise<number> {
  // As the bulk CLI reads files: the validator detects gzip itself and gunzips with node:zlib.
  const report = await validateBulk(createReadStream(file, { highWaterMark: 256 * 1024 }), { gunzip: (compressed) => Readable.from(compressed).pipe(createGunzip()) });
  if (!report.valid) throw new Error(`the benchmark file is invalid: ${JSON.stringify(report.errors.slice(0, 3))}`);
  return report.lines;
}

const started = performance.now();
const lines = mode === 'bare' ? await bare() : await validate();
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ seconds, maxRssMb: process.resourceUsage().maxRSS / 1024, lines })}\n`);
