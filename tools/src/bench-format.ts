// pnpm bench:format [--lines N] [--runs N]
// Validates a generated file of N lines (default 1,000,000: teams, channels, users, the rest
// posts), plain and gzipped, and compares with a bare loop that only splits lines and
// JSON.parses each, measured in the same run. Each measurement is its own process, so peak RSS
// is that of the validator alone.
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createGzip } from 'node:zlib';
import { type BulkObject, encodeBulk } from '@org-export/format';

const { values } = parseArgs({ options: { lines: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '3' } } });
const lines = Number(values.lines);
const runs = Number(values.runs);
const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = join(root, '.bench');
const plain = join(dir, `format-${lines}.jsonl`);
const gzipped = `${plain}.gz`;
const worker = fileURLToPath(new URL('./bench-format-run.ts', import.meta.url));

function* objects(): Generator<BulkObject> {
  yield { type: 'version', version: 1, info: { generator: 'bench', version: '1', created: new Date(0).toISOString() } };
  const teams = 10;
  const channels = 200;
  const users = Math.min(5000, Math.max(0, lines - 1 - teams - channels));
  for (let t = 0; t < teams; t++) yield { type: 'team', team: { name: `team-${t}`, display_name: `Team ${t}`, type: t % 2 ? 'I' : 'O', description: 'A team', allow_open_invite: true } };
  for (let c = 0; c < channels; c++) yield { type: 'channel', channel: { team: `team-${c % teams}`, name: `channel-${c}`, display_name: `Channel ${c}`, type: c % 4 ? 'O' : 'P', header: 'Header ☕', purpose: 'Purpose' } };
  for (let u = 0; u < users; u++) {
    yield {
      type: 'user',
      user: {
        username: `user${u}`, email: `user${u}@example.org`, first_name: 'Ana', last_name: 'Müller', roles: 'system_user', locale: 'en',
        teams: [{ name: `team-${u % teams}`, roles: 'team_user', channels: [{ name: `channel-${u % channels}`, roles: 'channel_user', notify_props: { desktop: 'mention', mobile: 'all', mark_unread: 'all' } }] }],
      },
    };
  }
  const posts = lines - 1 - teams - channels - users;
  for (let p = 0; p < posts; p++) {
    yield { type: 'post', post: { team: `team-${p % teams}`, channel: `channel-${p % channels}`, user: `user${p % Math.max(1, users)}`, message: `Post ${p}: the budget meeting moves to Thursday, café at 10 👍 naïve ${p % 997}`, create_at: 1_700_000_000_000 + p } };
  }
}

async function prepare(): Promise<void> {
  mkdirSync(dir, { recursive: true });
  if (!existsSync(plain)) {
    process.stderr.write(`writing ${plain}\n`);
    await pipeline(Readable.from(encodeBulk(objects(), { chunkBytes: 256 * 1024 })), createWriteStream(`${plain}.tmp`));
    renameSync(`${plain}.tmp`, plain);
  }
  if (!existsSync(gzipped)) {
    process.stderr.write(`writing ${gzipped}\n`);
    await pipeline(createReadStream(plain), createGzip({ level: 6 }), createWriteStream(`${gzipped}.tmp`));
    renameSync(`${gzipped}.tmp`, gzipped);
  }
}

type Measurement = { seconds: number; maxRssMb: number; lines: number };

function measure(mode: 'bare' | 'validate', file: string): Measurement {
  const result = spawnSync(process.execPath, ['--import', 'tsx', worker, mode, file], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 20 });
  if (result.status !== 0) throw new Error(`${mode} ${file} failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1) as string) as Measurement;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

await prepare();
const rows: { name: string; bare: number; validate: number; rss: number; bareRss: number; lines: number }[] = [];
for (const [name, file] of [['plain', plain], ['gzip', gzipped]] as const) {
  const bare: number[] = [];
  const validate: number[] = [];
  let rss = 0;
  let bareRss = 0;
  let count = 0;
  // Alternate the two so that noise from other work on the machine falls on both.
  for (let run = 0; run < runs; run++) {
    const baseline = measure('bare', file);
    bare.push(baseline.seconds);
    bareRss = Math.max(bareRss, baseline.maxRssMb);
    const measured = measure('validate', file);
    validate.push(measured.seconds);
    rss = Math.max(rss, measured.maxRssMb);
    count = measured.lines;
  }
  rows.push({ name, bare: median(bare), validate: median(validate), rss, bareRss, lines: count });
}
for (const row of rows) {
  process.stdout.write(
    `${row.name.padEnd(5)}  lines=${row.lines}  validate=${row.validate.toFixed(2)}s (${Math.round(row.lines / row.validate)} lines/s)  bare split+JSON.parse=${row.bare.toFixed(2)}s  ratio=${(row.validate / row.bare).toFixed(2)}  peak_rss=${row.rss.toFixed(0)}MB (bare ${row.bareRss.toFixed(0)}MB)\n`,
  );
}
const totalLines = rows.reduce((sum, row) => sum + row.lines, 0);
const totalValidate = rows.reduce((sum, row) => sum + row.validate, 0);
const totalBare = rows.reduce((sum, row) => sum + row.bare, 0);
const peak = Math.max(...rows.map((row) => row.rss));
process.stdout.write(`format-bench: lines_per_s=${Math.round(totalLines / totalValidate)} ratio=${(totalValidate / totalBare).toFixed(2)} peak_rss_mb=${peak.toFixed(0)}\n`);
