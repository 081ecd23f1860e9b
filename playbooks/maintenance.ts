// A maintenance window for the gateway pair (issue 18): one node at a time, the VIP holder
// last, each node only when its peer could take over and conntrack sync is current. On each
// node: hand the VIPs to the peer if it holds them, upgrade (all, security only or named
// packages; held packages stay held), reboot when needed or asked, wait until keepalived,
// conntrackd, the ruleset and node_exporter are back, and let the gate after it wait until the
// node is healthy, back in its role and synced before the next one. A failure stops the window
// with the pair serving; the stop message says where, who holds the VIPs and the command that
// resumes. --check lists what would be upgraded and whether each node would reboot.
//
//   ts-play playbooks/maintenance.ts -i inventory/lab.yml [--check]
//     [-e maintenance_upgrade=all|security|pkg1,pkg2] [-e maintenance_reboot=needed|always|never]
import { definePlaybook, gatewayPair, maintenanceStop } from 'ts-play';
import { maintenance } from '../roles/maintenance/index.ts';
import { defaults as keepalivedDefaults } from '../roles/keepalived/defaults.ts';
import { defaults as healthcheckDefaults } from '../roles/healthcheck/defaults.ts';
import { defaults as conntrackdDefaults } from '../roles/conntrackd/defaults.ts';

const defaults = { ...keepalivedDefaults, ...healthcheckDefaults, ...conntrackdDefaults };
const gates = gatewayPair({ defaults, syncAfter: true });

export default definePlaybook([
  {
    name: 'maintenance',
    hosts: 'gateways',
    serial: 1,
    order: gates.order,
    beforeBatch: gates.beforeBatch,
    afterBatch: gates.afterBatch,
    onStop: maintenanceStop({ defaults }),
    roles: [maintenance()],
  },
]);
