// Orgs, their members, modules and export schedule.
import { ModuleKey, Prisma } from '@org-export/db';
import { builder } from '../builder.ts';
import { AppError, notFound } from '../errors.ts';
import { email, label, parseInput, slug, uuid } from '../input.ts';
import { audit } from '../services/audit.ts';
import { syncExportSchedule } from '@org-export/worker/enqueue';
import { ExportSchedulePresetEnum, ModuleKeyEnum, OrgRoleEnum } from './enums.ts';

const ModuleState = builder.objectRef<{ module: ModuleKey; enabled: boolean; updatedAt: Date | null }>('ModuleState').implement({
  fields: (t) => ({
    module: t.expose('module', { type: ModuleKeyEnum }),
    enabled: t.exposeBoolean('enabled'),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', nullable: true, description: 'When it was last switched; null if never.' }),
  }),
});

export const OrgType = builder.prismaObject('Org', {
  description: 'A tenant of the platform.',
  fields: (t) => ({
    id: t.exposeID('id'),
    slug: t.exposeString('slug'),
    name: t.exposeString('name'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    exportSchedule: t.expose('exportSchedule', { type: ExportSchedulePresetEnum, description: 'How often the platform exports this org on its own.' }),
    modules: t.field({
      type: [ModuleState],
      description: 'Every module and whether it is on for this org (off unless a platform admin turned it on).',
      select: { modules: true },
      resolve: (org) =>
        Object.values(ModuleKey).map((module) => {
          const row = org.modules.find((candidate) => candidate.module === module);
          return { module, enabled: row?.enabled ?? false, updatedAt: row?.updatedAt ?? null };
        }),
    }),
    members: t.relation('memberships', {
      description: "The org's members and their roles.",
      authScopes: (org) => ({ $any: { platformAdmin: true, orgAdmin: org.id } }),
      query: { orderBy: { createdAt: 'asc' } },
    }),
    storage: t.relation('storage', {
      nullable: true,
      description: "Where this org's exports are written; null until configured. The secret is never returned.",
      authScopes: (org) => ({ $any: { platformAdmin: true, orgAdmin: org.id } }),
    }),
  }),
});

builder.queryFields((t) => ({
  orgs: t.prismaField({
    type: ['Org'],
    description: 'Every org, by slug. Platform admins only.',
    authScopes: { platformAdmin: true },
    resolve: (query, _root, _args, context) => context.db.org.findMany({ ...query, orderBy: { slug: 'asc' } }),
  }),
  org: t.prismaField({
    type: 'Org',
    description: 'One org, for platform admins and its members.',
    args: { id: t.arg.id() },
    authScopes: (_root, args) => ({ $any: { platformAdmin: true, orgMember: String(args.id) } }),
    resolve: async (query, _root, args, context) => {
      const org = await context.db.org.findUnique({ ...query, where: { id: parseInput(uuid, args.id, 'id') } });
      if (!org) throw notFound('The org');
      return org;
    },
  }),
}));

/** Loads an org for a platform admin's change, or answers NOT_FOUND. */
async function requireOrg(db: Prisma.TransactionClient, id: string) {
  const org = await db.org.findUnique({ where: { id: parseInput(uuid, id, 'orgId') } });
  if (!org) throw notFound('The org');
  return org;
}

builder.mutationFields((t) => ({
  createOrg: t.prismaField({
    type: 'Org',
    description: 'Creates an org. Platform admins only.',
    authScopes: { platformAdmin: true },
    args: { slug: t.arg.string(), name: t.arg.string() },
    resolve: async (query, _root, args, context) => {
      const data = { slug: parseInput(slug, args.slug, 'slug'), name: parseInput(label(200), args.name, 'name') };
      try {
        return await context.db.$transaction(async (tx) => {
          const org = await tx.org.create({ ...query, data });
          await audit(tx, { orgId: org.id, actorId: context.viewer!.id, action: 'org.created', targetType: 'Org', targetId: org.id, details: data });
          return org;
        });
      } catch (error) {
        if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') throw new AppError('CONFLICT', `An org with slug "${data.slug}" already exists.`);
        throw error;
      }
    },
  }),
  addMember: t.prismaField({
    type: 'Membership',
    description: "Gives an existing account a role in an org, or changes its role. Platform admins only.",
    authScopes: { platformAdmin: true },
    args: { orgId: t.arg.id(), email: t.arg.string(), role: t.arg({ type: OrgRoleEnum }) },
    resolve: async (query, _root, args, context) => {
      const org = await requireOrg(context.db, String(args.orgId));
      const address = parseInput(email, args.email, 'email');
      const account = await context.db.account.findUnique({ where: { email: address } });
      if (!account) throw notFound(`An account with email ${address}`);
      return context.db.$transaction(async (tx) => {
        const membership = await tx.membership.upsert({
          ...query,
          where: { orgId_accountId: { orgId: org.id, accountId: account.id } },
          create: { orgId: org.id, accountId: account.id, role: args.role },
          update: { role: args.role },
        });
        await audit(tx, { orgId: org.id, actorId: context.viewer!.id, action: 'member.set', targetType: 'Account', targetId: account.id, details: { email: address, role: args.role } });
        return membership;
      });
    },
  }),
  setModuleEnabled: t.prismaField({
    type: 'Org',
    description: 'Turns a module on or off for an org. Platform admins only. Turning Data Export off keeps every export record and file.',
    authScopes: { platformAdmin: true },
    args: { orgId: t.arg.id(), module: t.arg({ type: ModuleKeyEnum }), enabled: t.arg.boolean() },
    resolve: async (query, _root, args, context) => {
      const org = await requireOrg(context.db, String(args.orgId));
      const actorId = context.viewer!.id;
      return context.db.$transaction(async (tx) => {
        await tx.orgModule.upsert({
          where: { orgId_module: { orgId: org.id, module: args.module } },
          create: { orgId: org.id, module: args.module, enabled: args.enabled, updatedById: actorId },
          update: { enabled: args.enabled, updatedById: actorId },
        });
        await audit(tx, { orgId: org.id, actorId, action: args.enabled ? 'module.enabled' : 'module.disabled', targetType: 'Module', targetId: args.module });
        return tx.org.findUniqueOrThrow({ ...query, where: { id: org.id } });
      }).then(async (updated) => {
        // Scheduled exports run only while the module is on.
        await syncExportSchedule(context.jobs.boss, { id: org.id, exportSchedule: org.exportSchedule, moduleEnabled: args.enabled });
        return updated;
      });
    },
  }),
  setExportSchedule: t.prismaField({
    type: 'Org',
    description: 'Sets how often the platform exports an org on its own. Platform admins only.',
    authScopes: { platformAdmin: true },
    args: { orgId: t.arg.id(), preset: t.arg({ type: ExportSchedulePresetEnum }) },
    resolve: async (query, _root, args, context) => {
      const org = await requireOrg(context.db, String(args.orgId));
      return context.db.$transaction(async (tx) => {
        const updated = await tx.org.update({ ...query, where: { id: org.id }, data: { exportSchedule: args.preset } });
        await audit(tx, { orgId: org.id, actorId: context.viewer!.id, action: 'schedule.set', targetType: 'Org', targetId: org.id, details: { from: org.exportSchedule, to: args.preset } });
        return updated;
      }).then(async (updated) => {
        await syncExportSchedule(context.jobs.boss, { id: org.id, exportSchedule: args.preset, moduleEnabled: await context.moduleEnabled(org.id) });
        return updated;
      });
    },
  }),
}));
