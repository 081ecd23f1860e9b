import {
  type AptUpgradeResult, type UpgradeSelection, aptPending, aptUpdate, aptUpgrade, block, defineRole, handOver, handoverVips, hostList, ipOf,
  portNumber, reboot, service, validateManagement, validateNetwork, waitFor,
} from 'ts-play';
import { defaults, type MaintenanceVars } from './defaults.ts';

const PACKAGE = /^[a-z0-9][a-z0-9+.-]+$/;

/** maintenance_upgrade as the upgrade modules take it: all, security, or the named packages. */
export function upgradeSelection(v: string): UpgradeSelection {
  if (v === 'all' || v === 'security') return v;
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}

function validate(v: MaintenanceVars): string[] {
  const errors = [...validateNetwork(v), ...validateManagement(v), ...portNumber('exporters_listen_port', v.exporters_listen_port)];
  if (!['needed', 'always', 'never'].includes(v.maintenance_reboot)) errors.push(`maintenance_reboot must be needed, always or never, got ${JSON.stringify(v.maintenance_reboot)}`);
  const only = upgradeSelection(v.maintenance_upgrade);
  if (Array.isArray(only) && (only.length === 0 || only.some((n) => !PACKAGE.test(n)))) {
    errors.push(`maintenance_upgrade must be all, security or a comma-separated list of package names, got ${JSON.stringify(v.maintenance_upgrade)}`);
  }
  for (const k of ['maintenance_reboot_timeout', 'maintenance_back_timeout', 'maintenance_cache_valid_time'] as const) {
    if (!(v[k] >= 0)) errors.push(`${k} must be a number of seconds >= 0, got ${JSON.stringify(v[k])}`);
  }
  return errors;
}

/**
 * One node's maintenance window (playbooks/maintenance.ts runs it one node at a time, the VIP
 * holder last, between the pair gates): refresh the package lists; if the node has something
 * to upgrade or must reboot, hand the VIPs to the peer if it holds them, upgrade, reboot when
 * needed (or asked), and wait until keepalived, conntrackd, the ruleset and node_exporter are
 * back. If a step fails, the rescue starts keepalived again on a node that is still there, so
 * it rejoins the pair (preemption gives the VIPs back to the preferred master); the window
 * still stops there.
 */
export const maintenance = defineRole<MaintenanceVars>({
  name: 'maintenance',
  dir: import.meta.dirname,
  defaults,
  validate: (v) => validate(v),
  tasks: ({ vars: v, host }) => {
    const only = upgradeSelection(v.maintenance_upgrade);
    const mode = v.maintenance_reboot;
    const wantsReboot = (r: AptUpgradeResult | undefined) => mode === 'always' || (mode === 'needed' && (r?.reboot.needed ?? false));
    const pending = aptPending({ only, name: 'what this window would do here', when: () => notDone() });
    const upgrade = aptUpgrade({ only });
    const restart = reboot({
      name: 'reboot',
      timeout: v.maintenance_reboot_timeout,
      when: (_f, r) => (wantsReboot(r.of(upgrade)?.result) ? true : mode === 'never' ? 'maintenance_reboot=never' : 'no reboot needed'),
    });
    const back = v.maintenance_back_timeout;
    const notDone = () => (hostList(v.maintenance_done).includes(host.name) ? 'done in an earlier run of this window (maintenance_done)' : true);
    const active = (unit: string) => waitFor({ name: `${unit} is back`, condition: { argv: ['systemctl', 'is-active', unit], match: /^active$/m }, timeout: back, interval: 1 });
    return [
      aptUpdate({ cacheValidTime: v.maintenance_cache_valid_time, when: () => notDone() }),
      pending,
      block(
        [
          handOver({ vips: handoverVips(v), conntrackdConfig: v.conntrackd_config }),
          upgrade,
          restart,
          // After a reboot keepalived came up by itself (enabled); without one it is started here.
          service({ unit: 'keepalived', state: 'started' }),
          active('keepalived'),
          active('conntrackd'),
          waitFor({ name: 'the ruleset is loaded', condition: { argv: ['nft', 'list', 'table', 'inet', v.nftables_table], match: /^table inet / }, timeout: back }),
          waitFor({ name: 'node_exporter answers', condition: { port: v.exporters_listen_port, address: ipOf(v.mgmt_address) }, timeout: back }),
        ],
        {
          name: 'take the node out, patch it, bring it back',
          when: (_f, r) => {
            if (notDone() !== true) return notDone();
            const p = r.of(pending)?.result;
            if (!p) return 'nothing known about pending upgrades';
            return p.upgraded.length > 0 || wantsReboot(p) ? true : 'nothing to upgrade and no reboot needed';
          },
          rescue: [
            service({
              name: 'keepalived started again, so the node rejoins the pair',
              unit: 'keepalived',
              state: 'started',
              when: (_f, r) => (r.of(restart)?.status === 'failed' ? 'the node did not come back: nothing to start on it' : true),
            }),
          ],
        },
      ),
    ];
  },
});

export default maintenance;
