// pnpm bench:export [--posts N | --sizes N,N,...] [--runs N] [--keep] [--profile DIR] [--worker-flags=--flag,...]
// Fills a fresh database with a generated org (10 teams, 200 channels, 5,000 users, N posts;
// default 1,000,000), exports it with a real worker to an S3 server on loopback, and compares
// with PostgreSQL's own `COPY (the same rows as JSON) TO STDOUT | gzip` at the export's
// compression level, measured in the same run. Each export runs in its own process, so peak RSS
// is that of the worker alone; the S3 server runs in this process. The export's time is the one
// its record shows, from claiming the job to COMPLETED; times and peaks are medians over the
// runs (the highest peak is printed too). --keep keeps each size's database for the
// next run; --sizes measures several sizes and ends with the line of the largest.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { testServerUrl } from '@org-export/db/testing';
import { SecretBox } from '@org-export/storage';
import { startTestS3Server } from '@org-export/storage/testing';
import { WORKER_NODE_FLAGS } from '@org-export/worker/runtime';
import { baselineCommand } from './bench-export-baseline.ts';
import { type BenchDatabase, openBenchDatabase } from './bench-export-database.ts';

const { values } = parseArgs({
  options: {
    posts: { type: 'string', default: '1000000' },
    sizes: { type: 'string' },
    runs: { type: 'string', default: '3' },
    keep: { type: 'boolean', default: false },
    profile: { type: 'string' },
    /** Node options for the worker process, comma-separated, to see what e.g. --max-semi-space-size=8 does. */
    'worker-flags': { type: 'string', default: '' },
  },
});

function count(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} must be a positive whole number, not ${text}`);
  return value;
}

const sizes = (values.sizes ?? values.posts).split(',').map((text) => count('sizes', text.trim()));
const runs = count('runs', values.runs);
const root = fileURLToPath(new URL('../..', import.meta.url));
const benchDir = join(root, '.bench');
const runner = fileURLToPath(new URL('./bench-export-run.ts', import.meta.url));

type Finished = { stdout: string; stderr: string; code: number | null; seconds: number };

/** Runs a child to its end without blocking this process, whose S3 server must keep answering. */
function finish(child: ChildProcess, started: number): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout, stderr, code, seconds: (performance.now() - started) / 1000 }));
  });
}

type ExportMeasurement = { seconds: number; maxRssMb: number; idleRssMb: number; peakHeapMb: number; peakExternalMb: number; cpuSeconds: number; rows: number; bytes: number; compressedBytes: number };

async function measureExport(database: BenchDatabase, platformKey: Buffer, run: number): Promise<ExportMeasurement> {
  const profile = values.profile ? ['--cpu-prof', '--cpu-prof-dir', values.profile, '--cpu-prof-name', `export-${database.posts}-${run}.cpuprofile`] : [];
  // The flags a worker is started with, unless the command line says otherwise.
  const flags = values['worker-flags'] ? values['worker-flags'].split(',').filter(Boolean) : [...WORKER_NODE_FLAGS];
  const child = spawn(process.execPath, [...flags, ...profile, '--import', 'tsx', runner, database.url, platformKey.toString('hex'), database.orgId], { cwd: root });
  const result = await finish(child, performance.now());
  if (result.code !== 0) throw new Error(`the export failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1) as string) as ExportMeasurement;
}

type BaselineMeasurement = { seconds: number; compressedBytes: number };

async function measureBaseline(database: BenchDatabase): Promise<BaselineMeasurement> {
  const output = join(benchDir, `export-baseline-${database.posts}.jsonl.gz`);
  const command = baselineCommand(database.url, database.orgId, database.compressionLevel, output);
  const result = await finish(spawn('bash', ['-c', command], { cwd: root }), performance.now());
  if (result.code !== 0) throw new Error(`the COPY baseline failed: ${result.stderr}`);
  return { seconds: result.seconds, compressedBytes: statSync(output).size };
}

const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)] as number;
const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)}MB`;

type Row = { posts: number; rows: number; exportSeconds: number; baselineSeconds: number; cpuSeconds: number; rssMb: number; highestRssMb: number; idleRssMb: number; heapMb: number; externalMb: number; bytes: number; compressedBytes: number; baselineCompressedBytes: number };

async function benchSize(posts: number, storage: { endpoint: string; bucket: string }): Promise<Row> {
  const platformKey = randomBytes(32);
  const database = await openBenchDatabase(testServerUrl, posts, { keep: values.keep, say: (message) => process.stderr.write(`bench-export: ${message}\n`) });
  try {
    await database.useS3Storage({ ...storage, accessKeyId: 'S3RVER', secretEncrypted: new SecretBox(platformKey).seal('S3RVER') });
    const exports: ExportMeasurement[] = [];
    const baselines: BaselineMeasurement[] = [];
    // Alternate the two so that noise from other work on the machine falls on both.
    for (let run = 1; run <= runs; run++) {
      baselines.push(await measureBaseline(database));
      exports.push(await measureExport(database, platformKey, run));
      const last = exports.at(-1)!;
      process.stderr.write(`bench-export: posts=${posts} run ${run}: export ${last.seconds.toFixed(2)}s, copy|gzip ${baselines.at(-1)!.seconds.toFixed(2)}s, rss ${last.maxRssMb.toFixed(0)}MB (idle ${last.idleRssMb.toFixed(0)}MB, heap ${last.peakHeapMb.toFixed(0)}MB, buffers ${last.peakExternalMb.toFixed(0)}MB)\n`);
    }
    return {
      posts,
      rows: exports[0]!.rows,
      exportSeconds: median(exports.map((measurement) => measurement.seconds)),
      baselineSeconds: median(baselines.map((measurement) => measurement.seconds)),
      cpuSeconds: median(exports.map((measurement) => measurement.cpuSeconds)),
      // Medians like the times: one run's peak moves by 20 MB with when V8 happens to collect.
      rssMb: median(exports.map((measurement) => measurement.maxRssMb)),
      highestRssMb: Math.max(...exports.map((measurement) => measurement.maxRssMb)),
      idleRssMb: median(exports.map((measurement) => measurement.idleRssMb)),
      heapMb: median(exports.map((measurement) => measurement.peakHeapMb)),
      externalMb: median(exports.map((measurement) => measurement.peakExternalMb)),
      bytes: exports[0]!.bytes,
      compressedBytes: exports[0]!.compressedBytes,
      baselineCompressedBytes: baselines[0]!.compressedBytes,
    };
  } finally {
    await database.close();
  }
}

mkdirSync(benchDir, { recursive: true });
const s3 = await startTestS3Server('bench-exports');
const rows: Row[] = [];
try {
  for (const posts of sizes) rows.push(await benchSize(posts, s3));
} finally {
  await s3.stop();
}
for (const row of rows) {
  process.stdout.write(
    `posts=${row.posts}  rows=${row.rows}  export=${row.exportSeconds.toFixed(2)}s (${Math.round(row.rows / row.exportSeconds)} rows/s, cpu ${row.cpuSeconds.toFixed(2)}s)  ` +
      `copy|gzip=${row.baselineSeconds.toFixed(2)}s  ratio=${(row.exportSeconds / row.baselineSeconds).toFixed(2)}  peak_rss=${row.rssMb.toFixed(0)}MB (highest ${row.highestRssMb.toFixed(0)}MB, idle worker ${row.idleRssMb.toFixed(0)}MB, V8 heap ${row.heapMb.toFixed(0)}MB, buffers ${row.externalMb.toFixed(0)}MB)  ` +
      `file=${megabytes(row.bytes)} gz ${megabytes(row.compressedBytes)} (copy gz ${megabytes(row.baselineCompressedBytes)})  runs=${runs}\n`,
  );
}
const largest = rows.reduce((best, row) => (row.posts > best.posts ? row : best));
process.stdout.write(
  `export-bench: posts=${largest.posts} rows_per_s=${Math.round(largest.rows / largest.exportSeconds)} ratio=${(largest.exportSeconds / largest.baselineSeconds).toFixed(2)} peak_rss_mb=${largest.rssMb.toFixed(0)}\n`,
);
