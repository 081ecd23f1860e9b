// The Linode API operations ts-play uses, each through @linode/api-v4 and each naming the OAuth
// scope it needs, so a 403 can say which one the token lacks.
import type { LinodeClient } from './client.ts';
import { apiV4, type Linode, type LinodeIPsResponse } from './v4.ts';

const api = async () => (await apiV4()).api;

const LINODES_RO = ['linodes:read_only'];
const IPS_RO = ['ips:read_only'];
const SHARE = ['ips:read_write', 'linodes:read_write'];

/** The scopes a token needs for each use, for docs/linode.md and error messages. */
export const SCOPES = {
  inventory: LINODES_RO,
  shareRead: [...LINODES_RO, ...IPS_RO],
  share: SHARE,
};

export interface VlanInterface {
  label: string;
  /** The address in CIDR form, as the API holds it; null when the VLAN has no IPAM address. */
  ipam_address: string | null;
  /** In use: the instance booted with the configuration profile that holds it (always true for Linode Interfaces). */
  active: boolean;
  /** The configuration profile's label (legacy interfaces only). */
  config?: string;
}

export function listInstances(c: LinodeClient): Promise<Linode[]> {
  return c.all({ what: 'GET /linode/instances', scopes: LINODES_RO }, (p) => api().then((a) => a.getLinodes(p)));
}

export function instance(c: LinodeClient, id: number): Promise<Linode> {
  return c.call({ what: `GET /linode/instances/${id}`, scopes: LINODES_RO }, () => api().then((a) => a.getLinode(id)));
}

export function instanceIps(c: LinodeClient, id: number): Promise<LinodeIPsResponse> {
  return c.call({ what: `GET /linode/instances/${id}/ips`, scopes: LINODES_RO }, () => api().then((a) => a.getLinodeIPs(id)));
}

/**
 * The instance's VLAN interfaces. Instances on Linode Interfaces (interface_generation `linode`)
 * hold them per instance; older ones in each configuration profile, where only the profile the
 * instance booted with is active.
 */
export async function instanceVlans(c: LinodeClient, inst: Pick<Linode, 'id' | 'interface_generation'>): Promise<VlanInterface[]> {
  if (inst.interface_generation === 'linode') {
    const r = await c.call({ what: `GET /linode/instances/${inst.id}/interfaces`, scopes: LINODES_RO }, () => api().then((a) => a.getLinodeInterfaces(inst.id)));
    return r.interfaces.flatMap((i) => (i.vlan ? [{ label: i.vlan.vlan_label, ipam_address: i.vlan.ipam_address || null, active: true }] : []));
  }
  const configs = await c.all({ what: `GET /linode/instances/${inst.id}/configs`, scopes: LINODES_RO }, (p) => api().then((a) => a.getLinodeConfigs(inst.id, p)));
  return configs.flatMap((cfg) =>
    (cfg.interfaces ?? []).filter((i) => i.purpose === 'vlan').map((i) => ({ label: i.label ?? '', ipam_address: i.ipam_address || null, active: i.active, config: cfg.label })),
  );
}

/**
 * IPv6 ranges shared with an instance. A share request replaces the whole list of addresses
 * shared with an instance, so a request that adds one address must carry these too: leaving
 * them out would unshare them.
 */
export async function sharedRangesOf(c: LinodeClient, id: number, region: string): Promise<string[]> {
  const ranges = await c.all({ what: 'GET /networking/ipv6/ranges', scopes: IPS_RO }, (p) => api().then((a) => a.getIPv6Ranges(p)));
  const out: string[] = [];
  for (const r of ranges.filter((x) => x.region === region)) {
    const info = await c.call({ what: `GET /networking/ipv6/ranges/${r.range}`, scopes: IPS_RO }, () => api().then((a) => a.getIPv6RangeInfo(r.range)));
    if (info.is_bgp && info.linodes.includes(id)) out.push(r.range);
  }
  return out;
}

/** Sets the complete list of addresses shared with `linodeId` (POST /networking/ips/share). */
export function share(c: LinodeClient, linodeId: number, ips: string[]): Promise<unknown> {
  return c.call({ what: `POST /networking/ips/share ${JSON.stringify({ linode_id: linodeId, ips })}`, scopes: SHARE }, () => api().then((a) => a.shareAddresses({ linode_id: linodeId, ips })));
}
