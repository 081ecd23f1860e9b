// Chaos and acceptance drills (issue 8): `ts-play drill playbooks/drill.ts -i inventory/lab.yml`.
// Order matters only for time: the long ones (reboot, flap, soak, stress) come last. Each scenario starts
// from and returns to the converged lab (preferred master holding the VIPs).
import { defineDrill } from 'ts-play';

export default defineDrill({
  scenarios: [
    { name: 'soft', params: { switches: 2 } },
    { name: 'hard', params: { faults: 'wan,lan,kill', hold: 3 } },
    { name: 'tcp', params: { switches: 20 } },
    { name: 'udp', params: { switches: 4 } },
    { name: 'reboot' },
    { name: 'flap', params: { seconds: 60, loss: 5, jitter: 50 } },
    { name: 'soak', params: { seconds: 600, loss: 5, cpu: 100 } },
    { name: 'stress', params: { connections: 10000, rate: 2000 } },
    { name: 'reconcile' },
  ],
  prometheus: 'http://198.18.0.41:9090',
  dashboard: 'dashboards/grafana-dashboard.json',
  dashboardVars: { wan: 'wan', lan: 'lan', node: '.*', job: 'nat-gateways' },
});
