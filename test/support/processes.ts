// API servers and workers as real OS processes, started the way operators start them
// (`node --import tsx packages/<name>/src/main.ts`), ready once they log that they are.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WORKER_NODE_FLAGS } from '@org-export/worker/runtime';

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));

export type ServiceProcess = {
  child: ChildProcess;
  /** For an API server: its base URL, http://127.0.0.1:<port>. */
  url: string;
  /** Everything the process wrote, for failure messages. */
  output: () => string;
  /** Sends a signal and waits for the process to exit; resolves to its exit code or signal. */
  stop: (signal?: NodeJS.Signals) => Promise<number | string>;
};

type Ready = { message: string; url?: string };

function start(name: 'api' | 'worker', env: Record<string, string>, timeoutMs = 60_000): Promise<ServiceProcess> {
  const flags = name === 'worker' ? WORKER_NODE_FLAGS : [];
  const child = spawn(process.execPath, [...flags, '--import', 'tsx', join(root, 'packages', name, 'src', 'main.ts')], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);
  const service: ServiceProcess = {
    child,
    url: '',
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not become ready within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onLine = (line: string) => {
      let entry: { msg?: string; url?: string } = {};
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        return;
      }
      const ready: Ready | undefined = entry.msg === 'api listening' || entry.msg === 'worker ready' ? { message: entry.msg, url: entry.url } : undefined;
      if (!ready) return;
      clearTimeout(timer);
      service.url = (ready.url ?? '').replace(/\/$/, '');
      resolve(service);
    };
    let partial = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      lines.forEach(onLine);
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    void exited.then((status) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${status}) before it was ready:\n${output}`));
    });
  });
}

export type ProcessEnv = { databaseUrl: string; platformKey: string; storageDir?: string };

function baseEnv(env: ProcessEnv): Record<string, string> {
  return { DATABASE_URL: env.databaseUrl, PLATFORM_KEY: env.platformKey, ...(env.storageDir ? { STORAGE_DIR: env.storageDir } : {}) };
}

export function startApiProcess(env: ProcessEnv): Promise<ServiceProcess> {
  return start('api', { ...baseEnv(env), HOST: '127.0.0.1', PORT: '0' });
}

export function startWorkerProcess(env: ProcessEnv & { lostAfterSeconds?: number; extraEnv?: Record<string, string> }): Promise<ServiceProcess> {
  return start('worker', { ...baseEnv(env), ...(env.lostAfterSeconds ? { EXPORT_LOST_AFTER_SECONDS: String(env.lostAfterSeconds) } : {}), ...env.extraEnv });
}
