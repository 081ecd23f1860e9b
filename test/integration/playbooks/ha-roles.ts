// The HA roles in site order on the gateway pair, one node at a time: what roles-ha.test.ts applies.
import { definePlaybook } from 'ts-play';
import { sysctl } from '../../../roles/sysctl/index.ts';
import { arp } from '../../../roles/arp/index.ts';
import { nftables } from '../../../roles/nftables/index.ts';
import { conntrackd } from '../../../roles/conntrackd/index.ts';
import { healthcheck } from '../../../roles/healthcheck/index.ts';
import { keepalived } from '../../../roles/keepalived/index.ts';
import { exporters } from '../../../roles/exporters/index.ts';

export default definePlaybook([
  {
    name: 'HA roles',
    hosts: 'gateways',
    serial: 1,
    roles: [sysctl(), arp(), nftables(), conntrackd(), healthcheck(), keepalived(), exporters()],
  },
]);
