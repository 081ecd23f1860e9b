export interface InterfaceFact {
  name: string;
  mtu: number;
  /** operstate as the kernel reports it: UP, DOWN, UNKNOWN ... */
  state: string;
  mac?: string;
  /** CIDR strings, IPv4 and IPv6, as `ip -j addr` lists them. */
  addresses: string[];
}

/** What the engine knows about a host: gathered once per run, in one round trip. */
export interface Facts {
  hostname: string;
  /** The remote user the connection runs as after `become`. */
  user: string;
  os: { id: string; versionId: string; codename: string; pretty: string };
  kernel: string;
  arch: string;
  /** `systemd` when /run/systemd/system exists, else the sysvinit scripts in /etc/init.d. */
  init: 'systemd' | 'sysvinit';
  interfaces: InterfaceFact[];
  /** Installed Debian packages: name -> version (dpkg status `install ok installed` only). */
  packages: Record<string, string>;
}
