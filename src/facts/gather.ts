import type { Connection, ExecResult } from '../connection/types.ts';
import { runProbes, type Probe } from '../connection/batch.ts';
import type { Facts, InterfaceFact } from './types.ts';

/** Everything facts need, as probes, so they cost one round trip. */
export const FACT_PROBES: Probe[] = [
  { argv: ['cat', '/etc/os-release'] },
  { argv: ['uname', '-rm'] },
  { argv: ['hostname'] },
  { argv: ['id', '-un'] },
  { argv: ['test', '-d', '/run/systemd/system'] },
  { argv: ['ip', '-j', 'addr', 'show'] },
  { argv: ['dpkg-query', '-W', '-f', '${Package}\t${db:Status-Abbrev}\t${Version}\n'] },
];

function osRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!.replace(/^"(.*)"$/, '$1');
  }
  return out;
}

interface IpAddrJson {
  ifname: string;
  mtu: number;
  operstate: string;
  address?: string;
  addr_info?: Array<{ local: string; prefixlen: number }>;
}

function interfaces(json: string): InterfaceFact[] {
  if (!json.trim()) return [];
  return (JSON.parse(json) as IpAddrJson[]).map((i) => ({
    name: i.ifname,
    mtu: i.mtu,
    state: i.operstate,
    ...(i.address ? { mac: i.address } : {}),
    addresses: (i.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`),
  }));
}

export function installedPackages(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const [name, status, version] = line.split('\t');
    // "ii " is installed; "rc" (removed, config left) and half-installed states are not.
    if (name && version && status?.startsWith('ii')) out[name] = version;
  }
  return out;
}

export function parseFacts(r: ExecResult[]): Facts {
  const os = osRelease(r[0]!.stdout);
  const [kernel = '', arch = ''] = r[1]!.stdout.trim().split(/\s+/);
  return {
    os: { id: os.ID ?? 'unknown', versionId: os.VERSION_ID ?? '', codename: os.VERSION_CODENAME ?? '', pretty: os.PRETTY_NAME ?? '' },
    kernel,
    arch,
    hostname: r[2]!.stdout.trim(),
    user: r[3]!.stdout.trim(),
    init: r[4]!.code === 0 ? 'systemd' : 'sysvinit',
    interfaces: r[5]!.code === 0 ? interfaces(r[5]!.stdout) : [],
    packages: installedPackages(r[6]!.stdout),
  };
}

export async function gatherFacts(conn: Connection): Promise<Facts> {
  return parseFacts(await runProbes(conn, FACT_PROBES));
}
