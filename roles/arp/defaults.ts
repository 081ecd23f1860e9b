import { networkDefaults } from 'ts-play';

export const arpDefaults = {
  lan_interface: networkDefaults.lan_interface,
  wan_interface: networkDefaults.wan_interface,
  arp_file: '/etc/sysctl.d/61-arp.conf',
  /** 1: answer ARP only for addresses configured on the interface the request came in on. */
  arp_ignore: 1,
  /** 2: always use the best local address of the outgoing interface as ARP source. */
  arp_announce: 2,
};

export type ArpVars = typeof arpDefaults;
