// Live status across real processes: two API servers and one worker, each its own OS process on
// one database. A graphql-ws client on each server sees the same export go PENDING, RUNNING,
// make progress and end COMPLETED, in that order; the changes travel by LISTEN/NOTIFY only.
import { createTestApi, type TestApi } from '@org-export/api/testing';
import { type TestS3Server, startTestS3Server } from '@org-export/storage/testing';
import { type Client, createClient } from 'graphql-ws';
import pg from 'pg';
import { NOTIFY_EXPORT_SQL } from '@org-export/worker/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type ExportOrg, TEST_ROWS_PER_SECOND, exportReadyOrg, fillOrg } from './support/exports.ts';
import { type ServiceProcess, startApiProcess, startWorkerProcess } from './support/processes.ts';

type StatusEvent = { id: string; status: string; progress: { done: number; expected: number | null } };

let api: TestApi;
let s3: TestS3Server;
let client: pg.Client;
let servers: ServiceProcess[] = [];
let worker: ServiceProcess | undefined;
const sockets: Client[] = [];

beforeAll(async () => {
  api = await createTestApi();
  s3 = await startTestS3Server('live-bucket');
  client = new pg.Client({ connectionString: api.databaseUrl });
  await client.connect();
  const env = { databaseUrl: api.databaseUrl, platformKey: api.platformKey };
  // Both started before either is awaited; one that comes up is stopped in afterAll even if the other fails.
  const started = await Promise.allSettled([startApiProcess(env), startApiProcess(env)]);
  servers = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
  worker = await startWorkerProcess({ ...env, extraEnv: { EXPORT_MAX_ROWS_PER_SECOND: String(TEST_ROWS_PER_SECOND) } });
});

afterAll(async () => {
  await Promise.all(sockets.map((socket) => socket.dispose()));
  await Promise.all([...servers, ...(worker ? [worker] : [])].map((service) => service.stop()));
  await client?.end();
  await s3?.stop();
  await api?.close();
});

function connect(server: ServiceProcess, token: string): Client {
  const socket = createClient({
    url: `${server.url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
  sockets.push(socket);
  return socket;
}

/** Subscribes to the org's status events and collects every one that arrives. */
function watch(socket: Client, org: ExportOrg): StatusEvent[] {
  const events: StatusEvent[] = [];
  socket.subscribe<{ exportStatusChanged: StatusEvent }>(
    { query: 'subscription($orgId: ID!) { exportStatusChanged(orgId: $orgId) { id status progress { done expected } } }', variables: { orgId: org.orgId } },
    {
      next: (message) => {
        if (message.data) events.push(message.data.exportStatusChanged);
        else events.push({ id: 'error', status: JSON.stringify(message.errors), progress: { done: 0, expected: null } });
      },
      error: (error) => events.push({ id: 'error', status: String(error), progress: { done: 0, expected: null } }),
      complete: () => {},
    },
  );
  return events;
}

/** Waits until `ready` holds, checking the events collected so far every 20 ms. */
async function until(ready: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms; worker output:\n${worker?.output().slice(-4000)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function post<T>(server: ServiceProcess, token: string, query: string, variables: Record<string, unknown>): Promise<{ status: number; body: { data?: T; errors?: { extensions?: { code?: string } }[] } }> {
  const response = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
  return { status: response.status, body: (await response.json()) as never };
}

describe('exportStatusChanged across processes', () => {
  it('shows every API server the same export go PENDING, RUNNING, progress, COMPLETED', async () => {
    const org = await exportReadyOrg(api, s3, { prefix: 'live' });
    // Large enough that the export runs for a few seconds and reports progress on the way.
    await fillOrg(client, org, { teams: 2, channels: 6, users: 50, posts: 250_000, seed: 11 });

    const watchers = servers.map((server) => watch(connect(server, org.admin.token), org));
    // A subscription is live once it hears something: announce an old, ended export of the org
    // until both servers have passed it on, so that no step of the real one can be missed.
    const probe = (await client.query<{ id: string }>("INSERT INTO data_export (id, org_id, status, trigger) VALUES (gen_random_uuid(), $1, 'CANCELED', 'MANUAL') RETURNING id", [org.orgId])).rows[0]!.id;
    await until(() => {
      void client.query(NOTIFY_EXPORT_SQL, [probe]);
      return watchers.every((events) => events.some((event) => event.id === probe));
    }, 'the probe notification');

    const triggered = await post<{ triggerExport: { id: string } }>(servers[0]!, org.admin.token, 'mutation($orgId: ID!) { triggerExport(orgId: $orgId) { id } }', { orgId: org.orgId });
    expect(triggered.body.errors).toBeUndefined();
    const id = triggered.body.data!.triggerExport.id;

    const finished = (events: StatusEvent[]) => events.some((event) => event.id === id && ['COMPLETED', 'FAILED', 'CANCELED'].includes(event.status));
    await until(() => watchers.every(finished), 'the end of the export');
    const seen = watchers.map((events) => events.filter((event) => event.id === id));

    for (const events of seen) {
      expect(events.every((event) => event.id === id)).toBe(true);
      const statuses = events.map((event) => event.status).filter((status, index, all) => status !== all[index - 1]);
      expect(statuses).toEqual(['PENDING', 'RUNNING', 'COMPLETED']);
      const running = events.filter((event) => event.status === 'RUNNING');
      // Progress arrives while running, only ever forward, and ends at the total.
      const done = running.map((event) => event.progress.done);
      expect(done.some((value) => value > 0 && value < 250_000)).toBe(true);
      expect(done).toEqual([...done].sort((a, b) => a - b));
      expect(events.at(-1)!.progress).toEqual({ done: events.at(-1)!.progress.expected, expected: 1 + 2 + 6 + 50 + 250_000 });
    }
    // Both servers heard the same changes.
    expect(seen[0]!.map((event) => event.status)).toEqual(seen[1]!.map((event) => event.status));
  });

  it('streams the same events over server-sent events', async () => {
    const org = await exportReadyOrg(api, s3, { prefix: 'live-sse' });
    const aborter = new AbortController();
    const response = await fetch(`${servers[1]!.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${org.admin.token}` },
      body: JSON.stringify({ query: 'subscription($orgId: ID!) { exportStatusChanged(orgId: $orgId) { id status } }', variables: { orgId: org.orgId } }),
      signal: aborter.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const probe = (await client.query<{ id: string }>("INSERT INTO data_export (id, org_id, status, trigger) VALUES (gen_random_uuid(), $1, 'FAILED', 'MANUAL') RETURNING id", [org.orgId])).rows[0]!.id;
    const announce = setInterval(() => void client.query(NOTIFY_EXPORT_SQL, [probe]), 200);
    let text = '';
    try {
      const reader = response.body!.getReader();
      while (!text.includes(probe)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
    } finally {
      clearInterval(announce);
      aborter.abort();
    }
    expect(text).toContain(`data: {"data":{"exportStatusChanged":{"id":"${probe}","status":"FAILED"}}}`);
  });

  it('refuses a subscription for an org the caller may not see', async () => {
    const org = await exportReadyOrg(api, s3, { prefix: 'live-denied' });
    const stranger = await api.account({ roles: [[(await api.org()).slug, 'ORG_ADMIN']] });
    const socket = connect(servers[1]!, stranger.token);
    const outcome = await new Promise<unknown>((resolve) => {
      socket.subscribe({ query: 'subscription($orgId: ID!) { exportStatusChanged(orgId: $orgId) { id } }', variables: { orgId: org.orgId } }, { next: resolve, error: resolve, complete: () => resolve('complete') });
    });
    expect(JSON.stringify(outcome)).toContain('FORBIDDEN');
  });

  it('refuses a socket without valid credentials', async () => {
    const socket = connect(servers[0]!, 'oet_not-a-real-token');
    const outcome = await new Promise<unknown>((resolve) => {
      socket.subscribe({ query: 'subscription($orgId: ID!) { exportStatusChanged(orgId: $orgId) { id } }', variables: { orgId: '00000000-0000-4000-8000-000000000000' } }, { next: resolve, error: resolve, complete: () => resolve('complete') });
    });
    expect(outcome).toEqual([expect.objectContaining({ message: 'This API token is not valid.', extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) })]);
  });
});
