import { ExportSchedulePreset, ExportStatus, ExportTrigger, ModuleKey, OrgRole, StorageKind } from '@org-export/db';
import { builder } from '../builder.ts';

export const OrgRoleEnum = builder.enumType(OrgRole, { name: 'OrgRole', description: "An account's role in one org. ORG_ADMIN is the only role that runs exports and imports." });
export const ModuleKeyEnum = builder.enumType(ModuleKey, { name: 'ModuleKey', description: 'A module a platform admin switches on or off per org.' });
export const ExportSchedulePresetEnum = builder.enumType(ExportSchedulePreset, { name: 'ExportSchedulePreset' });
export const StorageKindEnum = builder.enumType(StorageKind, { name: 'StorageKind' });
export const ExportStatusEnum = builder.enumType(ExportStatus, { name: 'ExportStatus' });
export const ExportTriggerEnum = builder.enumType(ExportTrigger, { name: 'ExportTrigger' });
