export interface PathMode {
  path: string;
  /** Exact mode the path gets (owner root:root); paths that do not exist yet are skipped. */
  mode: string;
}

export const hardeningDefaults = {
  // sshd (drop-in /etc/ssh/sshd_config.d/50-hardening.conf, after dev-sec ssh_hardening)
  /** The lab and Linode's bootstrap log in as root with a key: prohibit-password keeps that working. */
  hardening_ssh_permit_root_login: 'prohibit-password' as 'no' | 'prohibit-password' | 'forced-commands-only',
  /**
   * dev-sec uses 2. Every key an ssh-agent offers counts as one try, so an operator whose agent
   * holds a few keys is cut off before the right one comes up; 3 still halves OpenSSH's 6 (and
   * meets lynis' SSH-7408) while leaving room for an agent with a couple of keys.
   */
  hardening_ssh_max_auth_tries: 3,
  hardening_ssh_client_alive_interval: 300,
  hardening_ssh_client_alive_count_max: 3,
  hardening_ssh_log_level: 'VERBOSE',
  /** Empty: every account with a key. Otherwise only these users (AllowUsers). */
  hardening_ssh_allow_users: [] as string[],
  /** Seconds a new sshd configuration has to be confirmed by a fresh SSH connection before it is reverted; 0: no guard. */
  hardening_ssh_confirm_timeout: 30,

  /** Root-only modes for the HA configs and scripts. Paths a later role creates are skipped until they exist. */
  hardening_root_only: [
    { path: '/etc/keepalived', mode: '0700' },
    { path: '/etc/keepalived/keepalived.conf', mode: '0600' },
    { path: '/etc/conntrackd/conntrackd.conf', mode: '0600' },
    { path: '/etc/nftables.conf', mode: '0600' },
    { path: '/usr/local/sbin/ha-hold', mode: '0700' },
  ] as PathMode[],
  /**
   * Scripts keepalived runs (some as its unprivileged script user, so they stay executable by
   * others): made root-owned and writable by root only, as enable_script_security demands.
   */
  hardening_root_owned_scripts: ['/usr/local/sbin/ha-check.sh', '/usr/local/sbin/ha-notify', '/usr/local/sbin/conntrackd-ha.sh'] as string[],

  /** systemd sandboxing drop-ins for these services (written where systemd runs). */
  hardening_sandbox_units: ['keepalived', 'conntrackd'] as string[],

  /** lynis audit: run, report hardening_index and warnings, compare with the threshold. */
  hardening_lynis: true,
  hardening_lynis_min_index: 60,
  /** What an index below the minimum does: fail the task, or only warn. */
  hardening_lynis_below_min: 'fail' as 'fail' | 'warn',
  /** A report younger than this, and newer than every watched path, is reused instead of a new 1-2 minute audit. */
  hardening_lynis_max_age_hours: 24,
  hardening_lynis_watch: ['/etc/ssh/sshd_config.d', '/etc/nftables.conf', '/etc/sysctl.d', '/etc/systemd/system', '/etc/keepalived', '/etc/conntrackd', '/var/lib/dpkg/status'] as string[],
};

export type HardeningVars = typeof hardeningDefaults;

export const SSHD_DROPIN = '/etc/ssh/sshd_config.d/50-hardening.conf';
