import { networkDefaults } from 'ts-play';

export const defaults = {
  ...networkDefaults,
  /** The other node's inventory name: its public key is looked up in synctunnel_public_keys. */
  synctunnel_peer: '',
  /** Public keys by inventory name (not secret: they can live in the inventory). */
  synctunnel_public_keys: {} as Record<string, string>,
  /** Private keys by inventory name and the preshared key: from the vault, never the inventory. */
  vault_sync_wg_private_keys: {} as Record<string, string>,
  vault_sync_psk: '',
  synctunnel_interface: 'wg-sync',
  /** Seconds: keeps the tunnel's NAT/firewall state warm so the first sync message after a quiet spell is not lost. */
  synctunnel_keepalive: 5,
};

export type SynctunnelVars = typeof defaults;
