// The full rollout: two plain Debian hosts become a hardened HA NAT gateway pair.
// Roles run in dependency order on one node at a time, so the peer keeps the VIPs while a
// node is being changed: the node without the VIPs goes first, a gate before each node checks
// that its peer could take over and that conntrack sync is current, and a gate after it waits
// until the node is healthy and back in its role (src/rollout, docs/rollout.md). --check runs
// the same gates as a read-only health check of the pair.
// In bgp mode (Linode IP Sharing) the pair's public IP is shared through Linode's API first
// (linode_ip_share, off unless turned on), then announced by FRR (bgp) before keepalived starts
// deciding who is primary.
import { definePlaybook, gatewayPair } from 'ts-play';
import { sysctl } from '../roles/sysctl/index.ts';
import { arp } from '../roles/arp/index.ts';
import { nftables } from '../roles/nftables/index.ts';
import { synctunnel } from '../roles/synctunnel/index.ts';
import { conntrackd } from '../roles/conntrackd/index.ts';
import { healthcheck } from '../roles/healthcheck/index.ts';
import { linodeIpShare, linodeIpShareGate } from '../roles/linode_ip_share/index.ts';
import { bgp } from '../roles/bgp/index.ts';
import { keepalived } from '../roles/keepalived/index.ts';
import { exporters } from '../roles/exporters/index.ts';
import { hardening } from '../roles/hardening/index.ts';
import { defaults as keepalivedDefaults } from '../roles/keepalived/defaults.ts';
import { defaults as healthcheckDefaults } from '../roles/healthcheck/defaults.ts';
import { defaults as conntrackdDefaults } from '../roles/conntrackd/defaults.ts';
import { monitoringPlay } from './monitoring.ts';

// Hooks see inventory, play and -e variables: the roles' defaults fill in the rest.
const gates = gatewayPair({ defaults: { ...keepalivedDefaults, ...healthcheckDefaults, ...conntrackdDefaults } });

export default definePlaybook([
  {
    name: 'gateways',
    hosts: 'gateways',
    serial: 1,
    order: gates.order,
    beforeBatch: gates.beforeBatch,
    afterBatch: async (ctx) => {
      await linodeIpShareGate(ctx);
      await gates.afterBatch(ctx);
    },
    roles: [sysctl(), arp(), nftables(), synctunnel(), conntrackd(), healthcheck(), linodeIpShare(), bgp(), keepalived(), exporters(), hardening()],
  },
  // Prometheus and Alertmanager on the monitor host, scraping the gateways.
  monitoringPlay,
]);
