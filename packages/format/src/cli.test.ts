// The CLI contract other tools script against: exit codes, text lines and one JSON object.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
const mixed = fileURLToPath(new URL('../test-data/mixed.jsonl', import.meta.url));

function bulk(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', cli, ...args], { cwd: root }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

describe('bulk validate', () => {
  it('prints the golden JSON report for a file with every kind of problem', async () => {
    const { code, stdout } = await bulk('validate', '--json', mixed);
    expect(code).toBe(1);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const expected = JSON.parse(await readFile(mixed.replace(/\.jsonl$/, '.expected.json'), 'utf8'));
    expect(JSON.parse(stdout)).toEqual(expected);
  });

  it('prints one line per error and a summary, and reads gzip whatever the name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bulk-cli-'));
    const file = join(dir, 'export.data');
    await writeFile(file, gzipSync(await readFile(mixed)));
    const { code, stdout } = await bulk('validate', file);
    expect(code).toBe(1);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe('line 4: team.name: must not start with the reserved word "login"');
    expect(lines.at(-1)).toBe('invalid: 6 errors in 13 lines (valid objects: 1 teams, 1 channels, 1 users, 1 posts)');
  });

  it('exits 0 for a valid file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bulk-cli-'));
    const file = join(dir, 'ok.jsonl');
    await writeFile(file, '{"type":"version","version":1}\n{"type":"team","team":{"name":"ab","display_name":"AB","type":"O"}}\n');
    const text = await bulk('validate', file);
    expect(text).toMatchObject({ code: 0, stdout: 'valid: 2 lines (1 teams, 0 channels, 0 users, 0 posts)\n' });
    const json = await bulk('validate', '--json', file);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: true, errors: [], warnings: [], counts: { team: 1, channel: 0, user: 0, post: 0 } });
  });

  it('exits 2 when the file cannot be read or is broken gzip', async () => {
    const missing = await bulk('validate', '--json', '/nonexistent/file.jsonl');
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stdout)).toEqual({ valid: false, error: '/nonexistent/file.jsonl: no such file' });
    const dir = await mkdtemp(join(tmpdir(), 'bulk-cli-'));
    const broken = join(dir, 'broken.gz');
    await writeFile(broken, gzipSync('{"type":"version","version":1}\n'.repeat(100)).subarray(0, 30));
    const truncated = await bulk('validate', broken);
    expect(truncated.code).toBe(2);
    expect(truncated.stderr).toMatch(/cannot read .*broken\.gz/);
    expect((await bulk('validate')).code).toBe(2);
  });
});
