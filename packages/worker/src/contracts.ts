// What the API and the worker agree on: queue names, job payloads, notification channels and
// schedule presets. The API imports only this file of the worker.
import { z } from 'zod';

/** pg-boss queues, namespaced by domain. */
export const QUEUES = {
  /** Runs one export record from PENDING to an end state. */
  exportRun: 'export.run',
  /** A scheduled tick for one org: starts an export unless one is running. */
  exportScheduled: 'export.scheduled',
} as const;

export const exportRunPayload = z.object({ exportId: z.string().uuid() });
export type ExportRunPayload = z.infer<typeof exportRunPayload>;

export const exportScheduledPayload = z.object({ orgId: z.string().uuid() });
export type ExportScheduledPayload = z.infer<typeof exportScheduledPayload>;

/** Options of the export queue. A run is failed by its heartbeat, not a wall-clock limit. */
export const EXPORT_QUEUE_OPTIONS = {
  /** Long enough for the largest org; the heartbeat catches a dead worker long before. */
  expireInSeconds: 6 * 3600,
  /** A lost run is ended as FAILED (worker lost) by recovery, not retried behind the user's back. */
  retryLimit: 0,
  /** pg-boss fails a job whose worker stops beating for this long. */
  heartbeatSeconds: 10,
} as const;

/** PostgreSQL NOTIFY channels from workers to API servers. */
export const CHANNELS = {
  /** Payload: ExportStatusEvent as JSON. Sent on every status change and at most every second of progress. */
  exportStatus: 'export_status',
} as const;

/**
 * What a status notification carries: the record's status and progress at the moment it was
 * sent, so a subscriber sees every step even when the next one has already been written.
 */
export const exportStatusEvent = z.object({
  orgId: z.string(),
  exportId: z.string(),
  status: z.enum(['PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELED']),
  done: z.number(),
  expected: z.number().nullable(),
});
export type ExportStatusEvent = z.infer<typeof exportStatusEvent>;

/**
 * Sends the notification for export $1, read from its row in the sender's transaction. Inside a
 * transaction PostgreSQL delivers it at commit, so listeners never hear of an uncommitted state.
 */
export const NOTIFY_EXPORT_SQL = `SELECT pg_notify('${CHANNELS.exportStatus}', json_build_object('orgId', org_id, 'exportId', id, 'status', status,
  'done', progress_done, 'expected', progress_expected)::text) FROM data_export WHERE id = $1`;

/** Cron expressions (UTC) of the schedule presets. */
export const SCHEDULE_CRON = {
  DAILY: '0 3 * * *',
  EVERY_12_HOURS: '0 3,15 * * *',
  WEEKLY: '0 3 * * 1',
} as const;

/** The pg-schema that holds pg-boss's tables. */
export const BOSS_SCHEMA = 'pgboss';
