// Kernel, firewall and hardening roles alone, one gateway at a time: the security half of
// site.ts, for applying or checking those settings without touching keepalived or conntrackd.
import { definePlaybook } from 'ts-play';
import sysctl from '../roles/sysctl/index.ts';
import arp from '../roles/arp/index.ts';
import nftables from '../roles/nftables/index.ts';
import hardening from '../roles/hardening/index.ts';

export default definePlaybook([
  { name: 'gateway security', hosts: 'gateways', serial: 1, roles: [sysctl(), arp(), nftables(), hardening()] },
]);
