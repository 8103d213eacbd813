// Export records: the history and one export. Everything here needs the org's ORG_ADMIN and the
// Data Export module on.
import type { ExportStatus } from '@org-export/db';
import { builder } from '../builder.ts';
import { notFound } from '../errors.ts';
import { parseInput, uuid } from '../input.ts';
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
