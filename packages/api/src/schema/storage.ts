// Per-org storage: configure it, read it back without its secret, and test it.
import type { StorageSettings } from '@org-export/db';
import { z } from 'zod';
import { builder } from '../builder.ts';
import { AppError, notFound } from '../errors.ts';
import { parseInput, uuid } from '../input.ts';
import { audit } from '../services/audit.ts';
import { testStorage } from '@org-export/storage';
import { StorageKindEnum } from './enums.ts';

const StorageTest = builder.objectRef<{ ok: boolean; code: string | null; message: string | null; testedAt: Date }>('StorageTest').implement({
  description: 'The outcome of the last connection test.',
  fields: (t) => ({
    ok: t.exposeBoolean('ok'),
    code: t.exposeString('code', { nullable: true, description: 'BAD_CREDENTIALS, NO_SUCH_BUCKET, ENDPOINT_UNREACHABLE, ACCESS_DENIED, INVALID_SETTINGS or UNKNOWN when it failed.' }),
    message: t.exposeString('message', { nullable: true, description: 'What went wrong, in plain words.' }),
    testedAt: t.expose('testedAt', { type: 'DateTime' }),
  }),
});

function lastTest(settings: StorageSettings) {
  return settings.lastTestAt ? { ok: settings.lastTestOk ?? false, code: settings.lastTestCode, message: settings.lastTestMessage, testedAt: settings.lastTestAt } : null;
}

builder.prismaObject('StorageSettings', {
  description: "Where an org's exports are written. The secret access key is stored encrypted and never returned.",
  fields: (t) => ({
    kind: t.expose('kind', { type: StorageKindEnum }),
    endpoint: t.exposeString('endpoint', { nullable: true, description: 'Empty for AWS S3 itself.' }),
    region: t.exposeString('region', { nullable: true }),
    bucket: t.exposeString('bucket', { nullable: true }),
    prefix: t.exposeString('keyPrefix'),
    forcePathStyle: t.exposeBoolean('forcePathStyle'),
    accessKeyId: t.exposeString('accessKeyId', { nullable: true }),
    hasSecret: t.boolean({ description: 'Whether a secret access key is stored.', select: { secretEncrypted: true }, resolve: (settings) => settings.secretEncrypted !== null }),
    verifiedAt: t.expose('verifiedAt', { type: 'DateTime', nullable: true, description: 'When a connection test last passed with these settings; null after any change.' }),
    lastTest: t.field({ type: StorageTest, nullable: true, resolve: lastTest }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const ConfigureStorageInput = builder.inputType('ConfigureStorageInput', {
  fields: (t) => ({
    kind: t.field({ type: StorageKindEnum, required: false, description: 'S3 (the default) or LOCAL, when the platform offers a local directory.' }),
    endpoint: t.string({ required: false, description: 'The S3 endpoint URL; leave out for AWS.' }),
    region: t.string({ required: false }),
    bucket: t.string({ required: false }),
    prefix: t.string({ required: false, description: 'Key prefix for every object written, e.g. "backups/".' }),
    forcePathStyle: t.boolean({ required: false }),
    accessKeyId: t.string({ required: false }),
    secretAccessKey: t.string({ required: false, description: 'Leave out to keep the stored one.' }),
  }),
});

const prefixSchema = z
  .string()
  .max(512, 'must be at most 512 characters')
  .transform((value) => value.trim().replace(/^\/+/, ''))
  .refine((value) => !value.split('/').includes('..'), 'must not contain ".." segments');

const s3Schema = z.object({
  endpoint: z
    .string()
    .trim()
    .max(2048, 'must be at most 2048 characters')
    .refine((value) => {
      if (value === '') return true;
      try {
        const url = new URL(value);
        return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' && !url.search && !url.username;
      } catch {
        return false;
      }
    }, 'must be an http:// or https:// URL such as https://s3.example.com, without credentials or query')
    .optional(),
  region: z.string().trim().regex(/^[a-z0-9-]{1,64}$/, 'must be a region name such as us-east-1'),
  bucket: z.string().trim().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a bucket name: 3 to 63 lower-case letters, digits, dots and dashes'),
  prefix: prefixSchema.optional(),
  forcePathStyle: z.boolean().optional(),
  accessKeyId: z.string().trim().min(1, 'is required').max(256, 'must be at most 256 characters'),
  secretAccessKey: z.string().min(1, 'must not be empty').max(1024, 'must be at most 1024 characters').optional(),
});

builder.mutationField('configureStorage', (t) =>
  t.prismaField({
    type: 'StorageSettings',
    description: "Sets where the org's exports are written. Any change clears the verified state until a connection test passes.",
    authScopes: (_root, args) => ({ orgAdmin: String(args.orgId) }),
    args: { orgId: t.arg.id(), input: t.arg({ type: ConfigureStorageInput }) },
    resolve: async (query, _root, args, context) => {
      const orgId = parseInput(uuid, args.orgId, 'orgId');
      const existing = await context.db.storageSettings.findUnique({ where: { orgId } });
      const kind = args.input.kind ?? 'S3';
      let data;
      if (kind === 'LOCAL') {
        if (!context.platform.storageDir) throw new AppError('VALIDATION_FAILED', 'input.kind: this platform offers no local storage; configure an S3 bucket', { field: 'input.kind' });
        const prefix = parseInput(prefixSchema, args.input.prefix ?? '', 'input.prefix');
        data = { kind, endpoint: null, region: null, bucket: null, keyPrefix: prefix, forcePathStyle: false, accessKeyId: null, secretEncrypted: null };
      } else {
        const input = parseInput(s3Schema, args.input, 'input');
        let secretEncrypted: Uint8Array<ArrayBuffer> | null = existing?.kind === 'S3' ? (existing.secretEncrypted as Uint8Array<ArrayBuffer> | null) : null;
        if (input.secretAccessKey !== undefined) secretEncrypted = new Uint8Array(context.platform.secrets.seal(input.secretAccessKey));
        if (!secretEncrypted) throw new AppError('VALIDATION_FAILED', 'input.secretAccessKey: is required', { field: 'input.secretAccessKey' });
        data = {
          kind,
          endpoint: input.endpoint || null,
          region: input.region,
          bucket: input.bucket,
          keyPrefix: input.prefix ?? '',
          forcePathStyle: input.forcePathStyle ?? false,
          accessKeyId: input.accessKeyId,
          secretEncrypted,
        };
      }
      const reset = { verifiedAt: null, lastTestAt: null, lastTestOk: null, lastTestCode: null, lastTestMessage: null };
      return context.db.$transaction(async (tx) => {
        const org = await tx.org.findUnique({ where: { id: orgId }, select: { id: true } });
        if (!org) throw notFound('The org');
        const saved = await tx.storageSettings.upsert({ ...query, where: { orgId }, create: { orgId, ...data, ...reset }, update: { ...data, ...reset } });
        const { secretEncrypted: _secret, ...visible } = data;
        await audit(tx, { orgId, actorId: context.viewer!.id, action: 'storage.configured', targetType: 'Storage', targetId: orgId, details: { ...visible, secretChanged: args.input.secretAccessKey != null } });
        return saved;
      });
    },
  }),
);

const StorageTestPayload = builder.objectRef<{ orgId: string; test: { ok: boolean; code: string | null; message: string | null; testedAt: Date } }>('StorageTestPayload').implement({
  fields: (t) => ({
    ok: t.boolean({ resolve: (payload) => payload.test.ok }),
    test: t.field({ type: StorageTest, resolve: (payload) => payload.test }),
    storage: t.prismaField({ type: 'StorageSettings', resolve: (query, payload, _args, context) => context.db.storageSettings.findUniqueOrThrow({ ...query, where: { orgId: payload.orgId } }) }),
  }),
});

builder.mutationField('testStorageConnection', (t) =>
  t.field({
    type: StorageTestPayload,
    description: "Writes, reads back and deletes a probe object under the org's prefix, and records the outcome. Exports need a passing test.",
    authScopes: (_root, args) => ({ orgAdmin: String(args.orgId) }),
    args: { orgId: t.arg.id() },
    resolve: async (_root, args, context) => {
      const orgId = parseInput(uuid, args.orgId, 'orgId');
      const settings = await context.db.storageSettings.findUnique({ where: { orgId } });
      if (!settings) throw notFound("The org's storage settings (configure storage first)");
      let result: { ok: true } | { ok: false; code: string; message: string };
      try {
        const storage = context.platform.openStorage(settings);
        result = await testStorage(storage);
      } catch (error) {
        result = { ok: false, code: 'INVALID_SETTINGS', message: (error as Error).message };
      }
      const testedAt = new Date();
      const test = { ok: result.ok, code: result.ok ? null : result.code, message: result.ok ? null : result.message, testedAt };
      await context.db.$transaction(async (tx) => {
        // Only the settings that were tested become verified: a change meanwhile wins.
        await tx.storageSettings.updateMany({
          where: { orgId, updatedAt: settings.updatedAt },
          data: { lastTestAt: testedAt, lastTestOk: test.ok, lastTestCode: test.code, lastTestMessage: test.message, verifiedAt: test.ok ? testedAt : null },
        });
        await audit(tx, { orgId, actorId: context.viewer!.id, action: 'storage.tested', targetType: 'Storage', targetId: orgId, details: { ok: test.ok, code: test.code } });
      });
      return { orgId, test };
    },
  }),
);
