// The API playbooks and roles import.
export { defineRole } from './role.ts';
export type { RoleDef, RoleUse, RoleFactory, RoleContext, HostView } from './role.ts';
export { definePlaybook } from './play.ts';
export type { Play, Playbook, BatchContext, BatchHook } from './play.ts';
export { required } from './required.ts';
