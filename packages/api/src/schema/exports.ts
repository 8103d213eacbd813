// Export records: the history and one export. Everything here needs the org's ORG_ADMIN and the
// Data Export module on.
import type { ExportStatus } from '@org-export/db';
import { openOrgStorage } from '@org-export/storage';
import { type ExportStatusEvent, NOTIFY_EXPORT_SQL, QUEUES } from '@org-export/worker/contracts';
import { ExportAlreadyActive, enqueueExport } from '@org-export/worker/enqueue';
import { builder } from '../builder.ts';
import type { Context } from '../context.ts';
import { AppError, notFound } from '../errors.ts';
import { parseInput, uuid } from '../input.ts';
import { audit } from '../services/audit.ts';
import { ExportStatusEnum, ExportTriggerEnum } from './enums.ts';

const ExportError = builder.objectRef<{ code: string; message: string }>('ExportError').implement({
  fields: (t) => ({ code: t.exposeString('code'), message: t.exposeString('message') }),
});
const ExportCounts = builder.objectRef<{ teams: number; channels: number; users: number; posts: number | bigint }>('ExportCounts').implement({
  fields: (t) => ({
    teams: t.field({ type: 'SafeInt', resolve: (counts) => counts.teams }),
    channels: t.field({ type: 'SafeInt', resolve: (counts) => counts.channels }),
    users: t.field({ type: 'SafeInt', resolve: (counts) => counts.users }),
    posts: t.field({ type: 'SafeInt', resolve: (counts) => counts.posts }),
  }),
});
const ExportProgress = builder.objectRef<{ done: bigint; expected: bigint | null }>('ExportProgress').implement({
  fields: (t) => ({
    done: t.field({ type: 'SafeInt', description: 'Rows written so far.', resolve: (progress) => progress.done }),
    expected: t.field({ type: 'SafeInt', nullable: true, description: 'Rows the export will write; known once it runs.', resolve: (progress) => progress.expected }),
  }),
});

export const DataExportType = builder.prismaObject('DataExport', {
  description: 'One export of an org, from trigger to file.',
  fields: (t) => ({
    id: t.exposeID('id'),
    status: t.expose('status', { type: ExportStatusEnum }),
    trigger: t.expose('trigger', { type: ExportTriggerEnum }),
    requestedBy: t.relation('requestedBy', { nullable: true, description: 'Who pressed the button; null for scheduled exports.' }),
    until: t.expose('until', { type: 'DateTime', nullable: true, description: 'Posts created after this were left out.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
    error: t.field({ type: ExportError, nullable: true, resolve: (row) => (row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? '' } : null) }),
    counts: t.field({
      type: ExportCounts,
      nullable: true,
      resolve: (row) => (row.postCount === null ? null : { teams: row.teamCount ?? 0, channels: row.channelCount ?? 0, users: row.userCount ?? 0, posts: row.postCount }),
    }),
    bytes: t.field({ type: 'SafeInt', nullable: true, description: 'Size of the JSON Lines before gzip.', resolve: (row) => row.bytes }),
    compressedBytes: t.field({ type: 'SafeInt', nullable: true, description: 'Size of the file in storage.', resolve: (row) => row.compressedBytes }),
    sha256: t.exposeString('sha256', { nullable: true, description: 'SHA-256 of the file in storage, hex.' }),
    storageKey: t.exposeString('storageKey', { nullable: true }),
    progress: t.field({ type: ExportProgress, resolve: (row) => ({ done: row.progressDone, expected: row.progressExpected }) }),
  }),
});

builder.queryFields((t) => ({
  exportHistory: t.prismaConnection({
    type: 'DataExport',
    cursor: 'id',
    description: "The org's exports, newest first, optionally only those with one status.",
    args: { orgId: t.arg.id(), status: t.arg({ type: ExportStatusEnum, required: false }) },
    authScopes: (_root, args) => ({ dataExport: String(args.orgId) }),
    maxSize: 100,
    defaultSize: 20,
    resolve: (query, _root, args, context) =>
      context.db.dataExport.findMany({
        ...query,
        where: { orgId: parseInput(uuid, args.orgId, 'orgId'), ...(args.status ? { status: args.status as ExportStatus } : {}) },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      }),
  }),
  export: t.prismaField({
    type: 'DataExport',
    description: 'One export.',
    args: { id: t.arg.id() },
    authScopes: async (_root, args, context) => {
      const row = await context.db.dataExport.findUnique({ where: { id: parseInput(uuid, args.id, 'id') }, select: { orgId: true } });
      if (!row) throw notFound('The export');
      return { dataExport: row.orgId };
    },
    resolve: (query, _root, args, context) => context.db.dataExport.findUniqueOrThrow({ ...query, where: { id: String(args.id) } }),
  }),
}));

const TriggerExportInput = builder.inputType('TriggerExportInput', {
  fields: (t) => ({
    until: t.field({ type: 'DateTime', required: false, description: 'Leave out posts created after this instant.' }),
  }),
});

/** The org of an export, for scope checks on operations that take an export id. */
async function exportScope(context: Context, id: unknown) {
  const row = await context.db.dataExport.findUnique({ where: { id: parseInput(uuid, id, 'exportId') }, select: { orgId: true } });
  if (!row) throw notFound('The export');
  return { dataExport: row.orgId };
}

builder.mutationFields((t) => ({
  triggerExport: t.prismaField({
    type: 'DataExport',
    description: "Starts an export of the whole org into its storage. CONFLICT while another is PENDING or RUNNING; STORAGE_NOT_VERIFIED until a connection test has passed.",
    args: { orgId: t.arg.id(), input: t.arg({ type: TriggerExportInput, required: false }) },
    authScopes: (_root, args) => ({ dataExport: String(args.orgId) }),
    resolve: async (query, _root, args, context) => {
      const orgId = parseInput(uuid, args.orgId, 'orgId');
      const storage = await context.db.storageSettings.findUnique({ where: { orgId } });
      if (!storage?.verifiedAt) {
        throw new AppError('STORAGE_NOT_VERIFIED', "The org's storage has not passed a connection test since it was last changed. Run Test Connection under Settings, Storage, then try again.");
      }
      try {
        const { exportId } = await enqueueExport(context.jobs.pool, context.jobs.boss, { orgId, trigger: 'MANUAL', requestedById: context.viewer!.id, until: args.input?.until ?? null });
        await audit(context.db, { orgId, actorId: context.viewer!.id, action: 'export.triggered', targetType: 'DataExport', targetId: exportId, details: { trigger: 'MANUAL', until: args.input?.until?.toISOString() ?? null } });
        return context.db.dataExport.findUniqueOrThrow({ ...query, where: { id: exportId } });
      } catch (error) {
        if (error instanceof ExportAlreadyActive) throw new AppError('CONFLICT', error.message, { activeExportId: error.activeExportId });
        throw error;
      }
    },
  }),
  cancelExport: t.prismaField({
    type: 'DataExport',
    description: 'Stops a PENDING or RUNNING export; its upload is aborted and no file is left. CONFLICT when it has already ended.',
    args: { exportId: t.arg.id() },
    authScopes: (_root, args, context) => exportScope(context, args.exportId),
    resolve: async (query, _root, args, context) => {
      const id = String(args.exportId);
      const canceled = await context.jobs.pool.query<{ org_id: string; job_id: string | null; previous: string }>(
        `UPDATE data_export SET status = 'CANCELED', finished_at = now() WHERE id = $1 AND status IN ('PENDING', 'RUNNING')
         RETURNING org_id, job_id, (SELECT status FROM data_export WHERE id = $1) AS previous`,
        [id],
      );
      const row = canceled.rows[0];
      if (!row) {
        const current = await context.db.dataExport.findUniqueOrThrow({ where: { id } });
        throw new AppError('CONFLICT', `The export has already ended as ${current.status}.`);
      }
      // A pending job is dropped; a running one sees the status within a second and stops.
      if (row.job_id) await context.jobs.boss.cancel(QUEUES.exportRun, row.job_id).catch(() => {});
      await context.jobs.pool.query(NOTIFY_EXPORT_SQL, [id]);
      await audit(context.db, { orgId: row.org_id, actorId: context.viewer!.id, action: 'export.canceled', targetType: 'DataExport', targetId: id, details: { was: row.previous } });
      return context.db.dataExport.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
}));

const DownloadUrl = builder.objectRef<{ url: string; expiresAt: Date; fileName: string }>('DownloadUrl').implement({
  fields: (t) => ({
    url: t.exposeString('url', { description: 'A GET URL for the file; it needs no credentials and stops working at expiresAt.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    fileName: t.exposeString('fileName', { description: 'The name a browser saves the file under.' }),
  }),
});

builder.queryField('downloadUrl', (t) =>
  t.field({
    type: DownloadUrl,
    description: 'A fresh, short-lived download URL for a COMPLETED export (15 minutes unless the platform says otherwise). Each one is audit-logged.',
    args: { exportId: t.arg.id() },
    authScopes: (_root, args, context) => exportScope(context, args.exportId),
    resolve: async (_root, args, context) => {
      const record = await context.db.dataExport.findUniqueOrThrow({ where: { id: String(args.exportId) }, include: { org: true } });
      if (record.status !== 'COMPLETED' || !record.storageKey) throw new AppError('CONFLICT', `The export is ${record.status}; a download is ready once it is COMPLETED.`);
      const settings = await context.db.platformSettings.upsert({ where: { id: 1 }, create: { id: 1 }, update: {} });
      const storage = await openOrgStorage(context.db, context.platform, record.orgId);
      const fileName = `${record.org.slug}-export-${record.createdAt.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}.jsonl.gz`;
      const signed = await storage.presignGet(record.storageKey, { expiresInSeconds: settings.downloadUrlTtlSeconds, fileName });
      await audit(context.db, {
        orgId: record.orgId,
        actorId: context.viewer!.id,
        action: 'export.download_url_issued',
        targetType: 'DataExport',
        targetId: record.id,
        details: { expiresAt: signed.expiresAt.toISOString() },
      });
      return { ...signed, fileName };
    },
  }),
);

builder.subscriptionField('exportStatusChanged', (t) =>
  t.prismaField({
    type: 'DataExport',
    description: "Every status change and, while running, progress about once a second, of the org's exports.",
    args: { orgId: t.arg.id() },
    authScopes: (_root, args) => ({ dataExport: String(args.orgId) }),
    subscribe: (_root, args, context) => context.jobs.events.subscribe('exportStatus', parseInput(uuid, args.orgId, 'orgId')),
    // The record as it is now, with the status and progress as they were when the change was
    // sent: a subscriber sees PENDING even when the worker has already claimed the export.
    resolve: async (query, event, _args, context) => {
      const { exportId, status, done, expected } = event as unknown as ExportStatusEvent;
      const row = await context.db.dataExport.findUniqueOrThrow({ ...query, where: { id: exportId } });
      return { ...row, status, progressDone: BigInt(done), progressExpected: expected === null ? null : BigInt(expected) };
    },
  }),
);
