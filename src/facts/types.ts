/**
 * What the engine learns about a host before its roles run, in the same round trip as nothing
 * else: only what a module, a role's `when` or a gate reads. Everything else a task needs is
 * state it reads itself, through a fact's probe and parser (src/facts/*.ts).
 */
export interface Facts {
  /** `systemd` when /run/systemd/system exists, else the sysvinit scripts in /etc/init.d. */
  init: 'systemd' | 'sysvinit';
}
