// One scheduled tick for one org: starts a SCHEDULED export, unless the module is off, the
// schedule was switched off, or an export is already running; a skip is recorded, not failed.
import type { Db } from '@org-export/db';
import type { PgBoss } from 'pg-boss';
import type pg from 'pg';
import type { Logger } from 'pino';
import { ExportAlreadyActive, enqueueExport } from '../enqueue.ts';

export type ScheduledOutcome = { started: string } | { skipped: 'module_off' | 'schedule_disabled' | 'already_running' | 'no_org' };

export async function runScheduledTick(deps: { db: Db; pool: pg.Pool; boss: PgBoss; logger: Logger }, orgId: string): Promise<ScheduledOutcome> {
  const org = await deps.db.org.findUnique({ where: { id: orgId }, include: { modules: { where: { module: 'DATA_EXPORT' } } } });
  if (!org) return { skipped: 'no_org' };
  const reason = !org.modules[0]?.enabled ? 'module_off' : org.exportSchedule === 'DISABLED' ? 'schedule_disabled' : null;
  if (reason) {
    deps.logger.info({ orgId, reason }, 'scheduled export not started');
    return { skipped: reason };
  }
  try {
    const { exportId } = await enqueueExport(deps.pool, deps.boss, { orgId, trigger: 'SCHEDULED' });
    await deps.db.auditEvent.create({ data: { orgId, action: 'export.triggered', targetType: 'DataExport', targetId: exportId, details: { trigger: 'SCHEDULED', preset: org.exportSchedule } } });
    return { started: exportId };
  } catch (error) {
    if (!(error instanceof ExportAlreadyActive)) throw error;
    await deps.db.auditEvent.create({
      data: { orgId, action: 'export.schedule_skipped', targetType: 'DataExport', targetId: error.activeExportId, details: { reason: 'another export was pending or running', preset: org.exportSchedule } },
    });
    deps.logger.info({ orgId, activeExportId: error.activeExportId }, 'scheduled export skipped: one is already running');
    return { skipped: 'already_running' };
  }
}
