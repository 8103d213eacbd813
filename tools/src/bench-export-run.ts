// One measurement of bench-export, in its own process: `DATABASE_URL PLATFORM_KEY ORG_ID`.
// Starts a real worker, enqueues one export of the org as the API would, waits for it to end and
// prints {"seconds","maxRssMb","idleRssMb","peakHeapMb","peakExternalMb","cpuSeconds","rows","bytes","compressedBytes"}
// as its last line.
import { createPlatform, openOrgStorageByQuery } from '@org-export/storage';
import { startWorker } from '@org-export/worker';
import { CHANNELS, type ExportStatusEvent } from '@org-export/worker/contracts';
import { enqueueExport } from '@org-export/worker/enqueue';
import pg from 'pg';
import { pino } from 'pino';

const [databaseUrl, platformKey, orgId] = process.argv.slice(2) as [string, string, string];

type ExportRecord = {
  status: string;
  error_message: string | null;
  storage_key: string | null;
  run_ms: number;
  rows: string;
  bytes: string;
  compressed_bytes: string;
};

/** Resolves when the export's status notification says it has ended. */
async function waitForEnd(listener: pg.Client, exportId: () => string | undefined): Promise<void> {
  await new Promise<void>((resolve) => {
    listener.on('notification', (message) => {
      const event = JSON.parse(message.payload ?? '{}') as ExportStatusEvent;
      if (event.exportId === exportId() && ['COMPLETED', 'FAILED', 'CANCELED'].includes(event.status)) resolve();
    });
  });
}

/** Peaks of the V8 heap and of memory outside it (Buffers), sampled while the export runs. */
function samplePeaks(): { stop: () => { heapMb: number; externalMb: number } } {
  let heap = 0;
  let external = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    heap = Math.max(heap, usage.heapTotal);
    external = Math.max(external, usage.external);
  };
  const timer = setInterval(sample, 50);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { heapMb: heap / 1024 / 1024, externalMb: external / 1024 / 1024 };
    },
  };
}

const platform = createPlatform({ platformKey: Buffer.from(platformKey, 'hex'), publicUrl: 'http://127.0.0.1', secureCookies: false });
const worker = await startWorker({ databaseUrl, platform, logger: pino({ level: 'warn' }, pino.destination(2)), version: 'bench' });
const listener = new pg.Client({ connectionString: databaseUrl });
await listener.connect();
await listener.query(`LISTEN ${CHANNELS.exportStatus}`);
// A worker that has served before: the S3 client loads most
// of its modules on first use, which would otherwise count towards the first export of a fresh
// process only.
await worker.pool.query('SELECT compression_level FROM platform_settings WHERE id = 1');
await (await openOrgStorageByQuery(worker.pool, platform, orgId)).head('bench-warm-up');
const idleRssMb = process.resourceUsage().maxRSS / 1024;
const peaks = samplePeaks();
let exportId: string | undefined;
const ended = waitForEnd(listener, () => exportId);
exportId = (await enqueueExport(worker.pool, worker.boss, { orgId, trigger: 'MANUAL' })).exportId;
await ended;
const memory = peaks.stop();
await listener.end();

// The export's own clock: from its claim of the record to the end state it wrote, so the queue's
// polling interval is not counted.
const { rows } = await worker.pool.query<ExportRecord>(
  `SELECT status, error_message, storage_key, extract(epoch FROM finished_at - started_at) * 1000 AS run_ms,
          progress_done AS rows, bytes, compressed_bytes
     FROM data_export WHERE id = $1`,
  [exportId],
);
const record = rows[0]!;
if (record.status !== 'COMPLETED') throw new Error(`the export ended ${record.status}: ${record.error_message}`);
const storage = await openOrgStorageByQuery(worker.pool, platform, orgId);
const stored = await storage.head(record.storage_key!);
if (stored?.size !== Number(record.compressed_bytes)) throw new Error(`the uploaded file has ${stored?.size} bytes, the record says ${record.compressed_bytes}`);
// Measured; the next run does not need it on disk.
await storage.delete(record.storage_key!);
await worker.stop();

const usage = process.resourceUsage();
process.stdout.write(
  `${JSON.stringify({
    seconds: Number(record.run_ms) / 1000,
    maxRssMb: usage.maxRSS / 1024,
    idleRssMb,
    peakHeapMb: memory.heapMb,
    peakExternalMb: memory.externalMb,
    cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
    rows: Number(record.rows),
    bytes: Number(record.bytes),
    compressedBytes: Number(record.compressed_bytes),
  })}\n`,
);
