import { command } from './command.ts';

/** An unprivileged system account for daemons' scripts: no shell, no home, its own group. */
export function systemUser(user: string) {
  return command({
    name: `system user ${user}`,
    argv: ['useradd', '--system', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', '--user-group', user],
    unless: ['id', '-u', user],
  });
}
