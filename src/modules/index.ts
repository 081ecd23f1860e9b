// The built-in modules roles build their tasks from.
export { file, type FileArgs } from './file.ts';
export { copy, type CopyArgs } from './copy.ts';
export { directory, type DirectoryArgs } from './directory.ts';
export { absent, type AbsentArgs } from './absent.ts';
export { symlink, type SymlinkArgs } from './symlink.ts';
export { pkg, packages, type PackageArgs } from './package.ts';
export { service, serviceAction, type ServiceArgs, type ServiceActionArgs } from './service.ts';
export { daemonReload, type DaemonReloadArgs } from './daemon-reload.ts';
export { sysctl, type SysctlArgs } from './sysctl.ts';
export { command, type CommandArgs } from './command.ts';
export { ModuleArgumentError, type TaskOptions } from './common.ts';
export { FileWriteError } from './write.ts';
export { handoverRestart, type HandoverRestartArgs } from './handover.ts';
export { systemUser } from './user.ts';
export { guardedFile, type GuardedFileArgs } from './guarded.ts';
export { defaultConfirm, sshBanner, type Confirm } from './confirm.ts';
export { permissions, type PermissionsArgs } from './permissions.ts';
