import { defineRole, ifaceKey, sysctl } from 'ts-play';
import { arpDefaults, type ArpVars } from './defaults.ts';

const IFACE = /^[A-Za-z0-9_.@-]{1,15}$/;

/** ARP flux mitigation: a VIP is answered for only on the interface that carries it. */
export function arpKeys(v: ArpVars): Record<string, number> {
  const keys: Record<string, number> = {};
  // The kernel uses max(all, interface) for both: set all, default and each VIP interface.
  for (const scope of ['all', 'default', ifaceKey(v.lan_interface), ifaceKey(v.wan_interface)]) {
    keys[`net.ipv4.conf.${scope}.arp_ignore`] = v.arp_ignore;
    keys[`net.ipv4.conf.${scope}.arp_announce`] = v.arp_announce;
  }
  return keys;
}

export const arp = defineRole<ArpVars>({
  name: 'arp',
  dir: import.meta.dirname,
  tags: ['kernel'],
  defaults: arpDefaults,
  validate: (v) => {
    const errors: string[] = [];
    for (const k of ['lan_interface', 'wan_interface'] as const) {
      if (!IFACE.test(v[k])) errors.push(`${k} must be an interface name (max 15 characters), got ${JSON.stringify(v[k])}`);
    }
    if (!Number.isInteger(v.arp_ignore) || v.arp_ignore < 0 || v.arp_ignore > 8 || (v.arp_ignore > 3 && v.arp_ignore < 8)) errors.push(`arp_ignore must be 0-3 or 8, got ${JSON.stringify(v.arp_ignore)}`);
    if (!Number.isInteger(v.arp_announce) || v.arp_announce < 0 || v.arp_announce > 2) errors.push(`arp_announce must be 0, 1 or 2, got ${JSON.stringify(v.arp_announce)}`);
    if (!/^\/etc\/sysctl\.d\/[A-Za-z0-9_.-]+\.conf$/.test(v.arp_file)) errors.push(`arp_file must be a .conf file directly in /etc/sysctl.d/, got ${JSON.stringify(v.arp_file)}`);
    return errors;
  },
  tasks: ({ vars: v }) => [sysctl({ name: `sysctl ${v.arp_file} (arp_ignore, arp_announce)`, file: v.arp_file, values: arpKeys(v) })],
});

export default arp;
