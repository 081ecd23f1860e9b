import { type Facts, defineRole, command, daemonReload, directory, file, pkg, quote, service, serviceAction, guardedFile, defaultConfirm, managementAccess, ipOf, networkOf, validateNetwork, routeServers, bgpPeerProblems } from 'ts-play';
import { HA_HOLD_PATH, HOLD_GUARD_UNIT, nftablesDefaults, RULESET_PATH, UNIT_DROPIN_DIR, UNIT_DROPIN_PATH, type NftablesVars } from './defaults.ts';

const UNIT_DIR = '/etc/systemd/system';
const onSystemd = (facts: Facts) => facts.init === 'systemd' || 'no systemd on this host';
import { validateNftables } from './validate.ts';

/** Named counters declared in the table; the exporters role reads them by these names. */
export const NFT_COUNTERS = [
  'input_drops', 'forward_drops', 'invalid', 'vrrp_in', 'vrrp_foreign', 'sync_in', 'ssh_in', 'metrics_in',
  'forward_lan_wan', 'nat_lan_wan', 'log_input', 'log_forward', 'log_vrrp', 'ha_hold_drops', 'bgp_in',
] as const;

// Positional: file table hold-script. Loads the file, or, when it is a stock file that flushes
// the whole ruleset (Debian's default, restored by a revert), removes only our table: the
// ruleset holds tables that are not ours. Then re-applies the hold state, which a load empties.
const ACTIVATE = `f=$1 table=$2 hold=$3
if [ ! -e "$f" ] || grep -qE '^[[:space:]]*flush[[:space:]]+ruleset' "$f"; then
  nft delete table inet "$table" 2>/dev/null || true
else
  nft -f "$f" || exit $?
fi
if [ -x "$hold" ] && nft list chain inet "$table" ha_hold >/dev/null 2>&1; then "$hold" sync; fi`;

export const nftables = defineRole<NftablesVars>({
  name: 'nftables',
  dir: import.meta.dirname,
  tags: ['firewall'],
  defaults: nftablesDefaults,
  validate: (v) => [...validateNetwork(v), ...validateNftables(v), ...bgpPeerProblems(v)],
  tasks: (ctx) => {
    const v = ctx.vars;
    const table = v.nftables_table;
    const locals = {
      t: table,
      counters: NFT_COUNTERS,
      lanNetwork: networkOf(v.lan_address),
      wanVip: ipOf(v.wan_vip),
      lanVip: ipOf(v.lan_vip),
      bgpPeers: v.keepalived_vip_mode === 'bgp' ? routeServers(v) : [],
      haHoldPath: HA_HOLD_PATH,
      holdMax: v.nftables_hold_max,
      sh: quote,
      logRate: `${v.nftables_log_rate}/minute burst ${v.nftables_log_burst} packets`,
    };
    const ruleset = ctx.template('nftables.conf.ejs', locals);
    const activate = ['sh', '-c', ACTIVATE, 'sh', RULESET_PATH, table, HA_HOLD_PATH];
    const { address, port: sshPort } = managementAccess(ctx.host.name, ctx.host.vars);
    const rulesetTask =
      v.nftables_confirm_timeout > 0
        ? guardedFile({
            name: `ruleset ${RULESET_PATH} (table inet ${table}), confirmed within ${v.nftables_confirm_timeout}s`,
            path: RULESET_PATH, content: ruleset, mode: '0600',
            validate: ['nft', '-c', '-f', '%s'],
            activate, window: v.nftables_confirm_timeout, confirm: defaultConfirm(address, sshPort),
          })
        : file({ path: RULESET_PATH, content: ruleset, mode: '0600', validate: ['nft', '-c', '-f', '%s'], notify: 'reload nftables' });
    return [
      pkg({ names: ['nftables'] }),
      file({ path: HA_HOLD_PATH, content: ctx.template('ha-hold.ejs', locals), mode: '0700', notify: 'reload nftables' }),
      rulesetTask,
      directory({ path: UNIT_DROPIN_DIR }),
      file({ path: UNIT_DROPIN_PATH, content: ctx.template('nftables.service.conf.ejs', locals), mode: '0644', notify: 'systemd daemon-reload' }),
      service({ unit: 'nftables', enabled: true, state: 'started' }),
      // A hold nobody released (a killed run or notify script) expires on the forwarding node.
      file({ path: `${UNIT_DIR}/${HOLD_GUARD_UNIT}.service`, content: ctx.file('ha-hold-guard.service'), when: onSystemd, notify: 'systemd daemon-reload' }),
      file({ path: `${UNIT_DIR}/${HOLD_GUARD_UNIT}.timer`, content: ctx.template('ha-hold-guard.timer.ejs'), when: onSystemd, notify: ['systemd daemon-reload', 'restart ha-hold-guard.timer'] }),
      daemonReload({ name: 'systemd daemon-reload (ha-hold guard)', units: [`${HOLD_GUARD_UNIT}.service`, `${HOLD_GUARD_UNIT}.timer`], when: onSystemd }),
      service({ unit: `${HOLD_GUARD_UNIT}.timer`, enabled: true, state: 'started', when: onSystemd }),
    ];
  },
  handlers: () => ({
    'systemd daemon-reload': [daemonReload()],
    'restart ha-hold-guard.timer': [serviceAction({ unit: `${HOLD_GUARD_UNIT}.timer`, action: 'restart', when: onSystemd })],
    'reload nftables': [
      command({ name: `nft -f ${RULESET_PATH}`, argv: ['nft', '-f', RULESET_PATH] }),
      command({ name: 'ha-hold sync', argv: [HA_HOLD_PATH, 'sync'] }),
    ],
  }),
});

export default nftables;
