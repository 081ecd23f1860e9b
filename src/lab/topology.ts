/**
 * The lab's fixed topology. Roles, inventory and drills refer to these names,
 * so they are data here and nowhere else.
 */

/** `inet`: the internet segment behind rs1; `inner`: the management segment behind the bastion (bastion mode only). */
export type Iface = 'mgmt' | 'lan' | 'wan' | 'sync' | 'inet' | 'inner';
export type Segment = Exclude<Iface, 'mgmt'>;

export interface HostSpec {
  name: string;
  /** Addresses on each interface (IPv4 or IPv6), CIDR notation; the mgmt address is how ts-play reaches it. */
  addrs: Partial<Record<Iface, string[]>>;
  /** Default gateway, if the host has one. */
  gateway?: string;
  /** IPv6 default gateway, if the host has one. */
  gateway6?: string;
  /** More IPv6 routes: destination and next hop. */
  routes6?: { to: string; via: string }[];
  /** Addresses on lo (CIDR): a route server's session address. */
  loopback?: string[];
  /** What the lab itself sets up inside the host, besides sshd. */
  kind?: 'server' | 'routeserver';
  light?: boolean;
}

export const LAB = {
  mgmtBridge: 'tsp-mgmt',
  controlAddr: '198.18.0.1',
  mgmtPrefix: 24,
  fabricNs: 'tsp-fabric',
  nsPrefix: 'tsp-',
  lanVip: '198.18.1.1',
  wanVip: '198.19.0.1',
  /** rs1 on the public segment: the default router of the gateways and of the ARP-mode server. */
  upstream: '198.19.0.254',
  serverAddr: '198.19.0.100',
  /** The server on the "internet" segment, reached only through rs1 (bgp mode). */
  webAddr: '198.19.1.100',
  /** The gateways' IPv6 on the public segment: the route servers' sessions come from there. */
  wan6: { gw1: '2001:2:0:10::11', gw2: '2001:2:0:10::12', rs1: '2001:2:0:10::1', rs2: '2001:2:0:10::2' },
  /** The route servers' session addresses, on lo, off the gateways' link (Linode's are 2600:3c0f:<dc>:34::1..4). */
  routeServers: ['2001:2:0:34::1', '2001:2:0:34::2'],
  maxLight: 500,
  /**
   * Light hosts past node100, a hundred to a /24 of their own on the mgmt bridge (198.18.0.0/24
   * has room for the first hundred only): node101..node200 in 198.18.4.0/24, ... node401..node500
   * in 198.18.7.0/24, each at .100 + the last two digits of its number, the control side at .1.
   */
  lightNets: ['198.18.4', '198.18.5', '198.18.6', '198.18.7'],
  sshTimeoutMs: 10_000,
  rebootTimeoutMs: 150_000,
  hosts: [
    {
      name: 'gw1',
      addrs: { mgmt: ['198.18.0.11/24'], lan: ['198.18.1.2/24'], wan: ['198.19.0.2/24', '2001:2:0:10::11/64'], sync: ['198.18.2.1/24'] },
      gateway: '198.19.0.254',
      gateway6: '2001:2:0:10::1',
    },
    {
      name: 'gw2',
      addrs: { mgmt: ['198.18.0.12/24'], lan: ['198.18.1.3/24'], wan: ['198.19.0.3/24', '2001:2:0:10::12/64'], sync: ['198.18.2.2/24'] },
      gateway: '198.19.0.254',
      gateway6: '2001:2:0:10::1',
    },
    { name: 'client', addrs: { mgmt: ['198.18.0.21/24'], lan: ['198.18.1.10/24'] }, gateway: '198.18.1.1' },
    // On the public segment with the gateways: ARP mode reaches it through the WAN VIP directly.
    { name: 'server', addrs: { mgmt: ['198.18.0.31/24'], wan: ['198.19.0.100/24'] }, gateway: '198.19.0.254', kind: 'server' },
    { name: 'monitor', addrs: { mgmt: ['198.18.0.41/24'] } },
    // Linode's upstream for bgp mode: two route servers (BIRD) peering with both gateways over
    // IPv6; rs1 is also the router of the public and "internet" segments.
    {
      name: 'rs1', kind: 'routeserver',
      addrs: { mgmt: ['198.18.0.51/24'], wan: ['198.19.0.254/24', '2001:2:0:10::1/64'], inet: ['198.19.1.1/24'] },
      loopback: ['2001:2:0:34::1/128'],
      routes6: [{ to: '2001:2:0:34::2/128', via: '2001:2:0:10::2' }],
    },
    {
      name: 'rs2', kind: 'routeserver',
      addrs: { mgmt: ['198.18.0.52/24'], wan: ['198.19.0.253/24', '2001:2:0:10::2/64'] },
      loopback: ['2001:2:0:34::2/128'],
      gateway6: '2001:2:0:10::1',
    },
    // The "internet": reachable from the pair only through rs1, which routes the shared IP by BGP.
    { name: 'web', addrs: { mgmt: ['198.18.0.32/24'], inet: ['198.19.1.100/24'] }, gateway: '198.19.1.1', kind: 'server' },
  ] as HostSpec[],
} as const;

export const CORE_HOSTS: readonly string[] = LAB.hosts.map((h) => h.name);

/**
 * Bastion mode (`lab up --bastion`): a bastion on the control bridge and on a second management
 * segment (198.18.3.0/24, a bridge in the fabric namespace) where the gateways have a second
 * address. The control side has no route to that segment, so those addresses are reachable only
 * through the bastion (inventory/lab-bastion.yml). The default lab has neither.
 */
export const BASTION = {
  host: { name: 'bastion', addrs: { mgmt: ['198.18.0.5/24'], inner: ['198.18.3.5/24'] } } as HostSpec,
  innerAddrs: { gw1: '198.18.3.11/24', gw2: '198.18.3.12/24' } as Record<string, string>,
  innerPrefix: '198.18.3.0/24',
} as const;

/** A core host as bastion mode builds it: the gateways with their address on the inner segment. */
function inBastionMode(h: HostSpec): HostSpec {
  const inner = BASTION.innerAddrs[h.name];
  return inner ? { ...h, addrs: { ...h.addrs, inner: [inner] } } : h;
}

export function lightName(i: number): string {
  return `node${String(i).padStart(2, '0')}`;
}

export function lightHost(i: number): HostSpec {
  if (!Number.isInteger(i) || i < 1 || i > LAB.maxLight) {
    throw new Error(`light host index ${i} out of range 1..${LAB.maxLight}`);
  }
  const block = Math.floor((i - 1) / 100);
  const net = block === 0 ? '198.18.0' : LAB.lightNets[block - 1]!;
  return { name: lightName(i), addrs: { mgmt: [`${net}.${100 + ((i - 1) % 100) + 1}/24`] }, light: true };
}

/** The control side's addresses on the mgmt bridge: the core hosts' /24 and each light hosts' /24. */
export function controlAddrs(): string[] {
  return [`${LAB.controlAddr}/${LAB.mgmtPrefix}`, ...LAB.lightNets.map((n) => `${n}.1/24`)];
}

/** The hosts of a lab with `light` extra nodes (and, in bastion mode, the bastion). */
export function labHosts(light = 0, bastion = false): HostSpec[] {
  const extra: HostSpec[] = [];
  for (let i = 1; i <= light; i++) extra.push(lightHost(i));
  return bastion ? [...LAB.hosts.map(inBastionMode), BASTION.host, ...extra] : [...LAB.hosts, ...extra];
}

/** Any host name the lab could run, core or light (node01..node99, node100..node500). */
export function findHost(name: string, bastion = false): HostSpec | undefined {
  const core = LAB.hosts.find((h) => h.name === name);
  if (core) return bastion ? inBastionMode(core) : core;
  if (bastion && name === BASTION.host.name) return BASTION.host;
  const m = /^node(\d{2,3})$/.exec(name);
  if (!m) return undefined;
  const i = Number(m[1]);
  if (i < 1 || i > LAB.maxLight || lightName(i) !== name) return undefined;
  return lightHost(i);
}

export function mgmtIp(h: HostSpec): string {
  const a = h.addrs.mgmt?.[0];
  if (!a) throw new Error(`${h.name}: no mgmt address`);
  return a.split('/')[0]!;
}

export function ifaces(h: HostSpec): Iface[] {
  return (['mgmt', 'lan', 'wan', 'sync', 'inet', 'inner'] as const).filter((i) => h.addrs[i]);
}

/**
 * A stable MAC per host interface: a rebooted host gets new veths but keeps its
 * MACs, as a real NIC would, so no neighbour cache in the lab goes stale.
 */
export function macFor(host: string, iface: Iface): string {
  let h = 2166136261;
  for (const c of `${host}/${iface}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  const b = [0x02, 0x74, (h >>> 24) & 255, (h >>> 16) & 255, (h >>> 8) & 255, h & 255];
  return b.map((x) => x.toString(16).padStart(2, '0')).join(':');
}

export const nsName = (host: string): string => `${LAB.nsPrefix}${host}`;
/** Root-namespace end of a host's mgmt cable (15-char limit: tspm-node500 fits). */
export const mgmtPeer = (host: string): string => `tspm-${host}`;
/** Fabric-namespace end of a host's lan/wan/sync cable. */
export const fabricPeer = (host: string, seg: Segment): string => `${host}-${seg}`;
export const fabricBridge = (seg: Segment): string => `br-${seg}`;
