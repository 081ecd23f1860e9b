import { LAB } from './topology.ts';

/**
 * The lab's stand-ins for Linode's route servers: BIRD 2 (Debian's bird2), a different BGP
 * implementation from the gateways' FRR, applying Linode's policy as its guides describe it:
 * sessions over IPv6 from an address that is not on the gateways' link (multihop, as
 * 2600:3c0f:<dc>:34::1 is), the IPv4 /32 carried on those sessions (extended next hop), only the
 * pair's shared /32s accepted, community 65000:1 (primary) preferred over 65000:2 (secondary),
 * anything else refused. Each route server also installs its best path in its own kernel, and
 * rs1 routes the "internet" segment, so the only way from the server to the shared IP is the
 * route the route servers chose.
 */
export interface RouteServerSpec {
  name: string;
  routerId: string;
  /** The session address (on lo), not on the gateways' link. */
  address: string;
  localAs: number;
  /** The gateways: their IPv6 address on the shared link and their AS. */
  peers: { name: string; address: string; as: number }[];
  /** The /32s the pair may announce. */
  shared: string[];
  /** Communities as [asn, value] pairs, most preferred first. */
  primary: [number, number];
  secondary: [number, number];
}

export function birdConf(s: RouteServerSpec): string {
  const peers = s.peers.map((p) => `protocol bgp ${p.name} from gateways {\n\tneighbor ${p.address} as ${p.as};\n}\n`).join('\n');
  return `# ts-play lab: ${s.name}, a route server with Linode's policy (src/lab/routeserver.ts).
log syslog all;
router id ${s.routerId};

protocol device {
	scan time 10;
}

# The gateways' link, so that their IPv6 next hops resolve.
protocol direct {
	ipv6;
	interface "wan";
}

# The best path goes into this host's own table: rs1 forwards by it.
protocol kernel kernel4 {
	ipv4 {
		import none;
		export where source = RTS_BGP;
	};
}

# BFD only where a gateway asks for it (its sessions come from bgpd's neighbor ... bfd).
protocol bfd {
	accept multihop;
	multihop {
		min rx interval 100 ms;
		min tx interval 100 ms;
		multiplier 3;
	};
}

define SHARED = [ ${s.shared.join(', ')} ];

filter gateway_in {
	if net.type != NET_IP4 then reject;
	if ! (net ~ SHARED) then reject;
	if (${s.primary[0]}, ${s.primary[1]}) ~ bgp_community then { bgp_local_pref = 200; accept; }
	if (${s.secondary[0]}, ${s.secondary[1]}) ~ bgp_community then { bgp_local_pref = 100; accept; }
	reject;
}

template bgp gateways {
	local ${s.address} as ${s.localAs};
	multihop;
	bfd on;
	ipv4 {
		extended next hop on;
		gateway recursive;
		igp table master6;
		import filter gateway_in;
		export none;
	};
}

${peers}`;
}

/** One path a route server knows for a prefix, as `birdc show route ... all` prints it. */
export interface RsPath {
  /** The BGP protocol it came from: the gateway's name. */
  from: string;
  best: boolean;
  nextHop?: string;
  communities: string[];
  localPref?: number;
}

/**
 * Parses `birdc -r show route for PREFIX all`. A path starts with a line naming its protocol in
 * brackets ("198.19.0.1/32 unicast [gw1 10:12:13.456] * (100) [AS65001i]", or the same without
 * the prefix for the next path); `*` marks the best one; its attribute lines follow.
 */
export function parseBirdRoutes(out: string): RsPath[] {
  const paths: RsPath[] = [];
  let cur: RsPath | undefined;
  for (const line of out.split('\n')) {
    const head = /^\S*\s+unicast \[(\S+)[^\]]*\]\s*(\*)?/.exec(line);
    if (head) {
      cur = { from: head[1]!, best: head[2] === '*', communities: [] };
      paths.push(cur);
      continue;
    }
    if (!cur) continue;
    const via = /^\s+via (\S+)/.exec(line);
    if (via) cur.nextHop = via[1];
    const comm = /^\s+BGP\.community: (.*)$/.exec(line);
    if (comm) cur.communities = [...comm[1]!.matchAll(/\((\d+),\s*(\d+)\)/g)].map((m) => `${m[1]}:${m[2]}`);
    const lp = /^\s+BGP\.local_pref: (\d+)/.exec(line);
    if (lp) cur.localPref = Number(lp[1]);
  }
  return paths;
}

/** The argv that reads a route server's paths for a prefix (run inside the route server). */
export const birdRoutesArgv = (prefix: string): string[] => ['birdc', '-r', 'show', 'route', 'for', prefix, 'all'];

/** The lab's route-server hosts, in the order of LAB.routeServers (their session addresses). */
export const routeServerHosts = () => LAB.hosts.filter((h) => h.kind === 'routeserver');

/** The lab's route server `name`, with Linode's policy for the lab pair's shared IP. */
export function routeServerSpec(name: string): RouteServerSpec {
  const i = routeServerHosts().findIndex((h) => h.name === name);
  const host = LAB.hosts.find((h) => h.name === name);
  if (i < 0 || !host) throw new Error(`${name} is not one of the lab's route servers`);
  return {
    name,
    routerId: host.addrs.wan![0]!.split('/')[0]!,
    address: LAB.routeServers[i]!,
    localAs: 65000,
    peers: [{ name: 'gw1', address: LAB.wan6.gw1, as: 65001 }, { name: 'gw2', address: LAB.wan6.gw2, as: 65001 }],
    shared: [`${LAB.wanVip}/32`],
    primary: [65000, 1],
    secondary: [65000, 2],
  };
}
