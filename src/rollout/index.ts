// Rollout safety for a gateway pair (issue 7): play hooks that order, gate and settle the nodes.
export { gatewayPair, type PairGateOptions, type PairGates } from './gates.ts';
export { pairSettings, rolloutDefaults, type PairSettings } from './settings.ts';
export { GateError } from './wait.ts';
export { maintenanceStop, hostList, type MaintenanceStopOptions } from './maintenance.ts';
