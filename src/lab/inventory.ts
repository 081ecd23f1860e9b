import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { stringify } from 'yaml';
import { INVENTORY, KEY_FILE, KNOWN_HOSTS, LIGHT_INVENTORY } from './paths.ts';
import { type HostSpec, LAB, mgmtIp } from './topology.ts';

const GROUPS: Record<string, string[]> = {
  gateways: ['gw1', 'gw2'],
  clients: ['client'],
  servers: ['server'],
  monitors: ['monitor'],
  // The lab's own upstream: built and configured by the lab, never by a playbook.
  routeservers: ['rs1', 'rs2'],
  internet: ['web'],
};

function core(name: string): HostSpec {
  const h = LAB.hosts.find((x) => x.name === name);
  if (!h) throw new Error(`no lab host ${name}`);
  return h;
}

const addr = (h: HostSpec, i: 'lan' | 'wan' | 'sync'): string => h.addrs[i]![0]!;
const ip = (cidr: string): string => cidr.split('/')[0]!;

/** Network facts the gateway roles read as plain variables. */
export function gatewayVars(name: 'gw1' | 'gw2'): Record<string, string> {
  const me = core(name);
  const peer = core(name === 'gw1' ? 'gw2' : 'gw1');
  return {
    mgmt_address: mgmtIp(me),
    lan_interface: 'lan',
    wan_interface: 'wan',
    sync_interface: 'sync',
    lan_address: addr(me, 'lan'),
    wan_address: addr(me, 'wan'),
    sync_address: addr(me, 'sync'),
    lan_vip: `${LAB.lanVip}/24`,
    wan_vip: `${LAB.wanVip}/24`,
    peer_lan_address: ip(addr(peer, 'lan')),
    peer_wan_address: ip(addr(peer, 'wan')),
    peer_sync_address: ip(addr(peer, 'sync')),
    upstream_gateway: LAB.upstream,
    node_role_preferred: name === 'gw1' ? 'master' : 'backup',
  };
}

function commonVars(invFile: string): Record<string, string> {
  const rel = (p: string): string => relative(dirname(invFile), p);
  return {
    ansible_user: 'root',
    ansible_ssh_private_key_file: rel(KEY_FILE),
    tsplay_known_hosts: rel(KNOWN_HOSTS),
  };
}

/**
 * The hosts and addressing part of inventory/lab.yml, derived from the topology. The committed
 * inventory/lab.yml also carries the lab's role settings, so `up` does not rewrite it; a unit
 * test keeps its hosts and addresses equal to this.
 */
export function labInventory(invFile = INVENTORY): string {
  const children: Record<string, { hosts: Record<string, Record<string, string>> }> = {};
  for (const [group, names] of Object.entries(GROUPS)) {
    const hosts: Record<string, Record<string, string>> = {};
    for (const n of names) {
      const vars: Record<string, string> = { ansible_host: mgmtIp(core(n)) };
      if (n === 'gw1' || n === 'gw2') Object.assign(vars, gatewayVars(n));
      hosts[n] = vars;
    }
    children[group] = { hosts };
  }
  return stringify({ all: { vars: commonVars(invFile), children } });
}

/** .lab/light.yml: the light nodes of `up --light N`, in one group `light`. */
export function lightInventory(hosts: HostSpec[], invFile = LIGHT_INVENTORY): string {
  const lights: Record<string, Record<string, string>> = {};
  for (const h of hosts) if (h.light) lights[h.name] = { ansible_host: mgmtIp(h) };
  return stringify({ all: { vars: commonVars(invFile), children: { light: { hosts: lights } } } });
}

export async function writeInventories(hosts: HostSpec[]): Promise<void> {
  await mkdir(dirname(LIGHT_INVENTORY), { recursive: true });
  await writeFile(LIGHT_INVENTORY, lightInventory(hosts));
}
