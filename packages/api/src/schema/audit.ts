// The audit log, newest first: platform admins see everything, an org's ORG_ADMIN their org.
import { builder } from '../builder.ts';
import { parseInput, uuid } from '../input.ts';

builder.prismaObject('AuditEvent', {
  fields: (t) => ({
    id: t.id({ resolve: (event) => event.id.toString() }),
    action: t.exposeString('action', { description: 'What happened, e.g. module.enabled, storage.tested, token.created, auth.signed_in.' }),
    org: t.relation('org', { nullable: true }),
    actor: t.relation('actor', { nullable: true, description: 'Who did it; null for the platform itself (schedules, clean-up).' }),
    targetType: t.exposeString('targetType', { nullable: true }),
    targetId: t.exposeString('targetId', { nullable: true }),
    details: t.field({ type: 'JSON', nullable: true, resolve: (event) => event.details }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryField('auditLog', (t) =>
  t.prismaConnection({
    type: 'AuditEvent',
    cursor: 'id',
    description: "Audit events, newest first. With orgId: that org's events (platform admins and the org's ORG_ADMIN). Without: every event (platform admins).",
    args: { orgId: t.arg.id({ required: false }) },
    authScopes: (_root, args) => (args.orgId ? { $any: { platformAdmin: true, orgAdmin: String(args.orgId) } } : { platformAdmin: true }),
    maxSize: 200,
    defaultSize: 50,
    resolve: (query, _root, args, context) =>
      context.db.auditEvent.findMany({ ...query, where: args.orgId ? { orgId: parseInput(uuid, args.orgId, 'orgId') } : {}, orderBy: { id: 'desc' } }),
  }),
);
