// The audit log: who did what to which org, and when. Written in the same transaction as the
// change it describes, so the log never claims what did not happen.
import type { Db, Prisma } from '@org-export/db';

export type AuditEntry = {
  orgId?: string | null;
  actorId?: string | null;
  /** Dotted verb, e.g. "module.enabled", "storage.tested", "token.created", "auth.signed_in". */
  action: string;
  targetType?: string;
  targetId?: string;
  details?: Prisma.InputJsonValue;
};

type Writer = Pick<Db, 'auditEvent'> | Prisma.TransactionClient;

export async function audit(db: Writer, entry: AuditEntry): Promise<void> {
  await db.auditEvent.create({
    data: {
      orgId: entry.orgId ?? null,
      actorId: entry.actorId ?? null,
      action: entry.action,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      ...(entry.details === undefined ? {} : { details: entry.details }),
    },
  });
}
