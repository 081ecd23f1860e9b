/**
 * ts-play's public API: everything a playbook or a role imports, by package name
 * (`import { defineRole, file, required } from 'ts-play'`), whether the role ships here under
 * roles/ or in a package of its own. A role that needs something not exported here is the
 * signal to export it, not to reach into src/: layers below may move, this entry stays.
 */

// Playbooks and roles.
export { definePlaybook, type Play, type Playbook, type BatchContext, type BatchHook, type StopContext } from './engine/play.ts';
export { block, flushHandlers, type Block, type BlockOptions, type FlushHandlers, type Step } from './engine/steps.ts';
export { defineRole, type RoleDef, type RoleUse, type RoleFactory, type RoleContext, type HostView } from './engine/role.ts';
export { required } from './inventory/required.ts';

// The task contract, for a role or package that writes a module of its own (a control-side
// module, e.g. one calling a cloud API, implements the same Task).
export type { Task, AnyTask, Comparison, ApplyOutcome, ApplyEnv, FileDiff, RenderedFile, Probe, Results, TaskRecord, TaskStatus } from './task/task.ts';
export type { Connection, ExecResult, ExecOptions } from './connection/types.ts';
export { quote, quoteArgv } from './connection/quote.ts';
export type { Facts } from './facts/types.ts';

// Facts: one probe and one parser per kind of host state, for modules, gates and drills alike.
export { parseKeyValues, parseKeyValueBlocks, keyValues } from './facts/keyvalue.ts';
export { ADDRESSES_PROBE, parseIpv4Addresses } from './facts/addresses.ts';
export { unitProbe, unitsProbe, parseUnitState, parseUnits, type UnitView, type UnitState } from './facts/units.ts';
export { packagesProbe, parseDpkgQuery, isInstalled, type InstalledPackage, type PackageState } from './facts/packages.ts';
export { pathProbe, parsePathState, readPath, type PathState, type PathMeta } from './facts/paths.ts';
export { conntrackdStatsProbe, parseConntrackdStats, type ConntrackdStats } from './facts/conntrackd.ts';
export { BOOT_ID_PROBE, parseBootId } from './facts/boot.ts';
export { REBOOT_NEED_PROBE, parseRebootNeed, describeRebootNeed, type RebootNeed } from './facts/reboot.ts';
export { APT_PLAN_PROBE, parseAptPlan, isSecurityUpgrade, type AptPlan, type PendingUpgrade } from './facts/apt.ts';
export { userProbe, groupProbe, parseUser, parseGroup, type UserEntry, type GroupEntry } from './facts/accounts.ts';

// The built-in modules.
export * from './modules/index.ts';

// Variables several roles share, typed once: the pair's network and management access.
export * from './vars/ip.ts';
export * from './vars/network.ts';
export * from './vars/access.ts';
export * from './vars/checks.ts';
export * from './vars/conntrack.ts';
export * from './vars/bgp.ts';

// Rollout safety for the gateway pair (play hooks) and the drill book.
export * from './rollout/index.ts';
export { defineDrill, type DrillBook } from './rollout/drill-book.ts';

// Linode: IP Sharing of the pair's public IPv4 and the VLAN check, on the control side (API).
export { linodePair, pairProblems, type LinodePairVars } from './linode/pair.ts';
export { linodePairTasks } from './linode/share.ts';
export { linodePairGate } from './linode/gate.ts';

// Alert rules and their thresholds, shared by the monitoring role and the generator.
export { renderRules, RULE_FILE_NAME } from './observability/rules.ts';
export { configWith, checkOverrides, durationSeconds, type AlertName, type ObservabilityConfig, type Thresholds } from './observability/config.ts';
