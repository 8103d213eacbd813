// pnpm --silent bulk validate [--json] FILE
// Exit status: 0 valid, 1 invalid, 2 the file cannot be read or the command is wrong.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { type Gunzip, type ValidationReport, validateBulk } from './index.ts';

const USAGE = 'usage: bulk validate [--json] FILE';

/** node:zlib is several times faster than DecompressionStream and reads concatenated members. */
const nodeGunzip: Gunzip = (compressed) => Readable.from(compressed).pipe(createGunzip());

function printText(report: ValidationReport): void {
  const out: string[] = [];
  for (const error of report.errors) out.push(`line ${error.line}: ${error.field}: ${error.message}`);
  if (report.errorCount > report.errors.length) out.push(`… and ${report.errorCount - report.errors.length} more errors`);
  for (const warning of report.warnings) out.push(`line ${warning.line}: warning: ${warning.message}`);
  if (report.warningCount > report.warnings.length) out.push(`… and ${report.warningCount - report.warnings.length} more warnings`);
  const { team, channel, user, post } = report.counts;
  const counts = `${team} teams, ${channel} channels, ${user} users, ${post} posts`;
  out.push(
    report.valid
      ? `valid: ${report.lines} lines (${counts})${report.warningCount ? `, ${report.warningCount} warnings` : ''}`
      : `invalid: ${report.errorCount} errors in ${report.lines} lines (valid objects: ${counts})`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
}

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  const json = rest.includes('--json');
  const files = rest.filter((arg) => arg !== '--json');
  const unknown = files.filter((arg) => arg.startsWith('-'));
  if (command !== 'validate' || files.length !== 1 || unknown.length > 0) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const file = files[0] as string;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new Error(`${file} is not a file`);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? `${file}: no such file` : (error as Error).message;
    if (json) process.stdout.write(`${JSON.stringify({ valid: false, error: reason })}\n`);
    process.stderr.write(`cannot read ${reason}\n`);
    return 2;
  }
  let report: ValidationReport;
  try {
    report = await validateBulk(createReadStream(file, { highWaterMark: 256 * 1024 }), { gunzip: nodeGunzip, maxErrors: json ? 100_000 : 1000 });
  } catch (error) {
    const reason = `${file}: ${(error as Error).message}`;
    if (json) process.stdout.write(`${JSON.stringify({ valid: false, error: reason })}\n`);
    process.stderr.write(`cannot read ${reason}\n`);
    return 2;
  }
  if (json) {
    const { valid, errors, warnings, counts, errorCount, warningCount, lines } = report;
    process.stdout.write(`${JSON.stringify({ valid, errors, warnings, counts, errorCount, warningCount, lines })}\n`);
  } else printText(report);
  return report.valid ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
