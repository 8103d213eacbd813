// One scheduled tick for one org: starts a SCHEDULED export, unless the module is off, the
// schedule was switched off, or an export is already running; a skip is recorded, not failed.
import type { PgBoss } from 'pg-boss';
import type pg from 'pg';
import type { Logger } from 'pino';
import { ExportAlreadyActive, enqueueExport } from '../enqueue.ts';

export type ScheduledOutcome = { started: string } | { skipped: 'module_off' | 'schedule_disabled' | 'already_running' | 'no_org' };

export async function runScheduledTick(deps: { pool: pg.Pool; boss: PgBoss; logger: Logger }, orgId: string): Promise<ScheduledOutcome> {
  const { rows } = await deps.pool.query<{ exportSchedule: string; enabled: boolean }>(
    `SELECT o.export_schedule AS "exportSchedule", coalesce(m.enabled, false) AS enabled
       FROM org o LEFT JOIN org_module m ON m.org_id = o.id AND m.module = 'DATA_EXPORT' WHERE o.id = $1`,
    [orgId],
  );
  const org = rows[0];
  if (!org) return { skipped: 'no_org' };
  const reason = !org.enabled ? 'module_off' : org.exportSchedule === 'DISABLED' ? 'schedule_disabled' : null;
  if (reason) {
    deps.logger.info({ orgId, reason }, 'scheduled export not started');
    return { skipped: reason };
  }
  try {
    const { exportId } = await enqueueExport(deps.pool, deps.boss, { orgId, trigger: 'SCHEDULED' });
    await audit(deps.pool, orgId, 'export.triggered', exportId, { trigger: 'SCHEDULED', preset: org.exportSchedule });
    return { started: exportId };
  } catch (error) {
    if (!(error instanceof ExportAlreadyActive)) throw error;
    await audit(deps.pool, orgId, 'export.schedule_skipped', error.activeExportId, { reason: 'another export was pending or running', preset: org.exportSchedule });
    deps.logger.info({ orgId, activeExportId: error.activeExportId }, 'scheduled export skipped: one is already running');
    return { skipped: 'already_running' };
  }
}

/** An audit event of the scheduler: no actor, the export as its target. */
async function audit(pool: pg.Pool, orgId: string, action: string, exportId: string | null, details: Record<string, unknown>): Promise<void> {
  await pool.query("INSERT INTO audit_event (org_id, action, target_type, target_id, details) VALUES ($1, $2, 'DataExport', $3, $4)", [orgId, action, exportId, JSON.stringify(details)]);
}
