// What every resolver sees: the database, the caller, the platform's configuration, and cached
// answers to "what role does the caller hold in this org" for the request.
import type { Db, OrgRole } from '@org-export/db';
import type { Viewer } from './auth/credentials.ts';
import type { Platform } from '@org-export/storage';
import type { Jobs } from './jobs.ts';

export type Context = {
  db: Db;
  platform: Platform;
  jobs: Jobs;
  viewer: Viewer | null;
  request: Request;
  /** Adds a Set-Cookie header to this request's response. */
  setCookie: (cookie: string) => void;
  roleIn: (orgId: string) => Promise<OrgRole | null>;
  moduleEnabled: (orgId: string) => Promise<boolean>;
};

export function createContext(db: Db, platform: Platform, jobs: Jobs, request: Request, viewer: Viewer | null, setCookie: (cookie: string) => void): Context {
  const roles = new Map<string, Promise<OrgRole | null>>();
  const modules = new Map<string, Promise<boolean>>();
  return {
    db,
    platform,
    jobs,
    viewer,
    request,
    setCookie,
    roleIn(orgId) {
      if (!viewer || !isUuid(orgId)) return Promise.resolve(null);
      let role = roles.get(orgId);
      if (!role) {
        role = db.membership.findUnique({ where: { orgId_accountId: { orgId, accountId: viewer.id } }, select: { role: true } }).then((row) => row?.role ?? null);
        roles.set(orgId, role);
      }
      return role;
    },
    moduleEnabled(orgId) {
      if (!isUuid(orgId)) return Promise.resolve(false);
      let enabled = modules.get(orgId);
      if (!enabled) {
        enabled = db.orgModule.findUnique({ where: { orgId_module: { orgId, module: 'DATA_EXPORT' } } }).then((row) => row?.enabled ?? false);
        modules.set(orgId, enabled);
      }
      return enabled;
    },
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
