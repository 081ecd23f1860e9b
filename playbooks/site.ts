// The full rollout: two plain Debian hosts become a hardened HA NAT gateway pair.
// Roles run in dependency order on one node at a time, so the peer keeps the VIPs while a
// node is being changed (the rollout-safety gates hook into beforeBatch/afterBatch).
import { definePlaybook } from '../src/playbook/index.ts';
import { sysctl } from '../roles/sysctl/index.ts';
import { arp } from '../roles/arp/index.ts';
import { nftables } from '../roles/nftables/index.ts';
import { synctunnel } from '../roles/synctunnel/index.ts';
import { conntrackd } from '../roles/conntrackd/index.ts';
import { healthcheck } from '../roles/healthcheck/index.ts';
import { keepalived } from '../roles/keepalived/index.ts';
import { exporters } from '../roles/exporters/index.ts';
import { hardening } from '../roles/hardening/index.ts';
import { monitoringPlay } from './monitoring.ts';

export default definePlaybook([
  {
    name: 'gateways',
    hosts: 'gateways',
    serial: 1,
    roles: [sysctl(), arp(), nftables(), synctunnel(), conntrackd(), healthcheck(), keepalived(), exporters(), hardening()],
  },
  // Prometheus and Alertmanager on the monitor host, scraping the gateways.
  monitoringPlay,
]);
