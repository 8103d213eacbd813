// Platform-wide export settings: one row, readable and changeable by platform admins.
import type { Db } from '@org-export/db';
import { z } from 'zod';
import { builder } from '../builder.ts';
import { parseInput } from '../input.ts';
import { audit } from '../services/audit.ts';

/** The single settings row, created with its defaults on first read. */
export function loadPlatformSettings(db: Pick<Db, 'platformSettings'>) {
  return db.platformSettings.upsert({ where: { id: 1 }, create: { id: 1 }, update: {} });
}

builder.prismaObject('PlatformSettings', {
  description: 'How every export is written.',
  fields: (t) => ({
    compressionLevel: t.exposeInt('compressionLevel', { description: 'gzip level, 1 (fastest) to 9 (smallest).' }),
    partSizeBytes: t.exposeInt('partSizeBytes', { description: 'Multipart upload part size; S3 needs at least 5 MiB.' }),
    downloadUrlTtlSeconds: t.exposeInt('downloadUrlTtlSeconds', { description: 'How long a download URL works; 900 s (15 minutes) by default.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const PlatformSettingsInput = builder.inputType('PlatformSettingsInput', {
  fields: (t) => ({
    compressionLevel: t.int({ required: false }),
    partSizeBytes: t.int({ required: false }),
    downloadUrlTtlSeconds: t.int({ required: false }),
  }),
});

const MIB = 1024 * 1024;
const inputSchema = z.object({
  compressionLevel: z.number().int().min(1, 'must be 1 to 9').max(9, 'must be 1 to 9').nullish(),
  partSizeBytes: z.number().int().min(5 * MIB, 'must be at least 5 MiB (5242880), the S3 minimum').max(512 * MIB, 'must be at most 512 MiB').nullish(),
  downloadUrlTtlSeconds: z.number().int().min(60, 'must be at least 60 seconds').max(7 * 24 * 3600, 'must be at most 7 days, the S3 maximum').nullish(),
});

builder.queryField('platformSettings', (t) =>
  t.prismaField({
    type: 'PlatformSettings',
    authScopes: { platformAdmin: true },
    resolve: (query, _root, _args, context) => loadPlatformSettings(context.db).then(() => context.db.platformSettings.findUniqueOrThrow({ ...query, where: { id: 1 } })),
  }),
);

builder.mutationField('updatePlatformSettings', (t) =>
  t.prismaField({
    type: 'PlatformSettings',
    description: 'Changes the export settings; fields left out keep their value. Platform admins only.',
    authScopes: { platformAdmin: true },
    args: { input: t.arg({ type: PlatformSettingsInput }) },
    resolve: async (query, _root, args, context) => {
      const input = parseInput(inputSchema, args.input, 'input');
      const data = Object.fromEntries(Object.entries(input).filter(([, value]) => value != null));
      return context.db.$transaction(async (tx) => {
        await loadPlatformSettings(tx);
        const saved = await tx.platformSettings.update({ ...query, where: { id: 1 }, data });
        await audit(tx, { actorId: context.viewer!.id, action: 'platform.settings_changed', targetType: 'PlatformSettings', targetId: '1', details: data });
        return saved;
      });
    },
  }),
);
