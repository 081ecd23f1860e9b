// The monitor host: Prometheus with the NAT-HA rules and Alertmanager (issue 6). site.ts can
// append this play after the gateways' play; it is also run on its own by the lab test.
import { definePlaybook } from 'ts-play';
import { monitoring } from '../roles/monitoring/index.ts';

export const monitoringPlay = { name: 'monitoring', hosts: 'monitors', roles: [monitoring()] };

export default definePlaybook([monitoringPlay]);
