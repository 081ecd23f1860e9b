import { defineRole, type HostView, command, file, hostName, interfaceName, pkg, service, validateNetwork } from 'ts-play';
import { defaults, type SynctunnelVars } from './defaults.ts';

/** A WireGuard key: 32 bytes, base64. */
const WG_KEY = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

function validate(v: SynctunnelVars, host: HostView): string[] {
  const errors = validateNetwork(v);
  if (v.synctunnel_peer) errors.push(...hostName('synctunnel_peer', v.synctunnel_peer));
  errors.push(...interfaceName('synctunnel_interface', v.synctunnel_interface));
  if (v.sync_tunnel !== 'wireguard') return errors;
  if (v.sync_interface !== v.synctunnel_interface) {
    errors.push(`sync_interface must be the tunnel (${v.synctunnel_interface}) with sync_tunnel: wireguard, got "${v.sync_interface}"`);
  }
  if (!v.synctunnel_peer) errors.push('synctunnel_peer (the other node\'s inventory name) is required with sync_tunnel: wireguard');
  const checks: Array<[string, string | undefined]> = [
    [`synctunnel_public_keys.${v.synctunnel_peer}`, v.synctunnel_public_keys[v.synctunnel_peer]],
    [`vault_sync_wg_private_keys.${host.name}`, v.vault_sync_wg_private_keys[host.name]],
    ['vault_sync_psk', v.vault_sync_psk],
  ];
  // Messages never include the value: two of these are secrets.
  for (const [name, value] of checks) if (!value || !WG_KEY.test(value)) errors.push(`${name} must be a WireGuard key (32 bytes, base64)`);
  return errors;
}

/**
 * The sync link inside WireGuard when sync_tunnel is `wireguard`; nothing otherwise (the lab's
 * kernel has no WireGuard: there the dedicated link and the firewall allow-list are the defence).
 */
export const synctunnel = defineRole<SynctunnelVars>({
  name: 'synctunnel',
  dir: import.meta.dirname,
  tags: ['ha', 'conntrackd'],
  defaults,
  validate,
  tasks: (ctx) => {
    const v = ctx.vars;
    if (v.sync_tunnel !== 'wireguard') return [];
    const conf = `/etc/wireguard/${v.synctunnel_interface}.conf`;
    return [
      pkg({ names: ['wireguard-tools'] }),
      file({
        path: conf,
        content: ctx.template('wg-sync.conf.ejs', {
          privateKey: v.vault_sync_wg_private_keys[ctx.host.name],
          peerPublicKey: v.synctunnel_public_keys[v.synctunnel_peer],
        }),
        mode: '0600',
        notify: 'sync tunnel reload',
      }),
      service({ unit: `wg-quick@${v.synctunnel_interface}`, state: 'started', enabled: true }),
    ];
  },
  handlers: (ctx) => ({
    // syncconf applies key and peer changes without taking the interface down: sync keeps flowing.
    'sync tunnel reload': [
      command({
        name: `wg syncconf ${ctx.vars.synctunnel_interface}`,
        argv: ['bash', '-c', 'wg syncconf "$1" <(wg-quick strip "$1")', 'bash', ctx.vars.synctunnel_interface],
      }),
    ],
  }),
});

export default synctunnel;
