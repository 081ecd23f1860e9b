import { openInventory } from '../session/inventory-source.ts';
import { lazyDecryptor } from '../session/vault-password.ts';
import { findHost, LAB } from '../lab/topology.ts';
import { DrillError } from './exec.ts';

/** Who is who in the drills, read from the inventory (the lab's by default). */
export interface DrillTarget {
  /** The gateway whose node_role_preferred is master, and its peer. */
  master: string;
  backup: string;
  client: string;
  server: string;
  /** Address of the server as the client reaches it through the NAT. */
  serverAddr: string;
  /**
   * bgp mode: the shared IP is routed by the route servers' best path; the drill watches that
   * route on the router in front of the server (`router`), from the server's side.
   */
  bgp?: { router: string; prefix: string; gateways: Record<string, string> };
  vips: string[];
  conntrackdConfig: string;
  /** Seconds a restarted node waits before taking the VIPs back (keepalived_preempt_delay). */
  preemptDelayS: number;
  advertIntS: number;
  /** Adverts a backup may miss before it takes over (keepalived's down_timer_adverts). */
  downTimerAdverts: number;
  nsOf: (host: string) => string;
}

const plain = (v: unknown): string | undefined => (typeof v === 'string' ? v.split('/')[0] : undefined);

/**
 * The keepalived role's defaults for what an inventory leaves unset (a unit test keeps them equal:
 * the drill does not import the roles).
 */
export const KEEPALIVED_DEFAULTS = { advertIntS: 0.1, downTimerAdverts: 5 };

export async function loadTarget(inventories: string[]): Promise<DrillTarget> {
  const inv = await openInventory(inventories, lazyDecryptor(undefined));
  const gws = inv.source.select('gateways', 'drill');
  if (gws.length !== 2) throw new DrillError(`the drills need exactly two hosts in group "gateways" (found ${gws.length}: ${gws.join(', ')})`);
  const vars = Object.fromEntries(gws.map((h) => [h, inv.source.hostVars(h).vars]));
  const master = gws.find((h) => vars[h]!.node_role_preferred === 'master');
  if (!master) throw new DrillError('no gateway has node_role_preferred: master in the inventory');
  const backup = gws.find((h) => h !== master)!;
  const mv = vars[master]!;
  const one = (group: string): string => {
    const hs = inv.source.select(group, 'drill');
    if (!hs[0]) throw new DrillError(`the drills need a host in group "${group}"`);
    return hs[0];
  };
  const vips = [plain(mv.lan_vip), plain(mv.wan_vip)].filter((x): x is string => Boolean(x));
  if (vips.length === 0) throw new DrillError(`${master}: no lan_vip/wan_vip in the inventory`);
  const server = one('servers');
  // The server's own address on the segment the client's traffic reaches it by (the public
  // segment in arp mode, the internet segment behind rs1 in bgp mode).
  const spec = findHost(server);
  const serverAddr = (spec?.addrs.inet ?? spec?.addrs.wan)?.[0]?.split('/')[0] ?? LAB.serverAddr;
  const bgp = mv.keepalived_vip_mode === 'bgp'
    ? { router: 'rs1', prefix: `${plain(mv.wan_vip)}/32`, gateways: { [LAB.wan6.gw1]: 'gw1', [LAB.wan6.gw2]: 'gw2' } }
    : undefined;
  return {
    master, backup, client: one('clients'), server,
    serverAddr,
    ...(bgp ? { bgp } : {}),
    vips,
    conntrackdConfig: typeof mv.conntrackd_config === 'string' ? mv.conntrackd_config : '/etc/conntrackd/conntrackd.conf',
    preemptDelayS: typeof mv.keepalived_preempt_delay === 'number' ? mv.keepalived_preempt_delay : 30,
    advertIntS: typeof mv.keepalived_advert_int === 'number' ? mv.keepalived_advert_int : KEEPALIVED_DEFAULTS.advertIntS,
    downTimerAdverts: typeof mv.keepalived_down_timer_adverts === 'number' ? mv.keepalived_down_timer_adverts : KEEPALIVED_DEFAULTS.downTimerAdverts,
    nsOf: (h) => `${LAB.nsPrefix}${h}`,
  };
}
