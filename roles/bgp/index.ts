import { type AnyTask, defineRole, daemonReload, directory, file, handoverRestart, handoverVips, ipOf, pkg, quote, routeServers, service } from 'ts-play';
import { defaults, FRR_CONF, HA_BGP_PATH, type BgpVars } from './defaults.ts';
import { validateBgp } from './validate.ts';

const FRR_DAEMONS = '/etc/frr/daemons';
/** FRR reads both only when it starts: a change is applied by a restart, done as a VIP handover. */
const FRR_RESTART_FILES = [FRR_DAEMONS, FRR_CONF];

// `vtysh --dryrun` parses a whole configuration with the daemons' own command tables and
// applies nothing: a typo is refused before the file goes live. It prints what it refuses and
// may still exit 0, so any output on stderr fails too.
const FRR_VALIDATE = `err=$(vtysh --dryrun --inputfile "$1" 2>&1 >/dev/null); rc=$?
[ "$rc" -eq 0 ] && [ -z "$err" ] && exit 0
printf '%s\\n' "$err" >&2
exit 1`;

const KEEPALIVED_DROPIN = `# Managed by ts-play (role bgp): a node whose keepalived stops, for any reason (a planned stop,
# a crash, a kill), stops drawing the shared IPs' traffic: it announces them as secondary. A
# planned stop demotes first (keepalived takes a second to exit after its priority-0 advert).
[Service]
ExecStop=-${HA_BGP_PATH} secondary "keepalived stopping"
ExecStopPost=-${HA_BGP_PATH} secondary "keepalived stopped"
`;

const FRR_DROPIN = `# Managed by ts-play (role bgp): FRR's configuration announces as secondary; once bgpd runs,
# the node announces what its VRRP state says (primary only on the MASTER).
[Service]
ExecStartPost=-${HA_BGP_PATH} sync "frr started"
`;

/** The prefixes the pair shares: the WAN VIP as a /32 (IP Sharing shares single IPv4 addresses). */
export const sharedPrefixes = (v: Pick<BgpVars, 'wan_vip'>): string[] => [`${ipOf(v.wan_vip)}/32`];

/**
 * Linode IP Sharing over BGP (keepalived_vip_mode: bgp; nothing in arp mode): the shared IPv4 on
 * lo, announced to the route servers by FRR (or lelastic) as Linode's guide shapes it, primary on
 * the VRRP MASTER and secondary elsewhere, switched at run time by keepalived's notify script
 * through ha-bgp without restarting the speaker.
 */
export const bgp = defineRole<BgpVars>({
  name: 'bgp',
  dir: import.meta.dirname,
  tags: ['ha', 'bgp'],
  defaults,
  validate: validateBgp,
  tasks: (ctx) => {
    const v = ctx.vars;
    if (v.keepalived_vip_mode !== 'bgp') return [];
    const prefixes = sharedPrefixes(v);
    const locals = {
      prefixes, routeServers: routeServers(v), routerId: ipOf(v.wan_address), sourceAddress: v.bgp_source_address,
      haBgp: HA_BGP_PATH, sh: quote,
    };
    const tasks: AnyTask[] = [
      file({ path: HA_BGP_PATH, content: ctx.template('ha-bgp.ejs', locals), mode: '0755', validate: ['sh', '-n', '%s'] }),
      directory({ path: '/etc/systemd/system/keepalived.service.d', mode: '0755' }),
      file({ path: '/etc/systemd/system/keepalived.service.d/20-bgp.conf', content: KEEPALIVED_DROPIN, notify: 'systemd daemon-reload' }),
    ];
    if (v.bgp_speaker === 'lelastic') {
      tasks.push(file({ path: '/etc/systemd/system/lelastic@.service', content: ctx.template('lelastic@.service.ejs', locals), notify: 'systemd daemon-reload' }));
      return tasks;
    }
    tasks.push(
      // frr-pythontools: frr-reload.py, which Debian's unit runs for `systemctl reload frr`.
      pkg({ names: ['frr', 'frr-pythontools'] }),
      file({ path: FRR_DAEMONS, content: ctx.template('daemons.ejs', locals), owner: 'frr', group: 'frr', mode: '0640', notify: 'handover restart frr' }),
      file({
        path: FRR_CONF, content: ctx.template('frr.conf.ejs', locals), owner: 'frr', group: 'frr', mode: '0640',
        validate: ['sh', '-c', FRR_VALIDATE, 'sh', '%s'], notify: 'handover restart frr',
      }),
      directory({ path: '/etc/systemd/system/frr.service.d', mode: '0755' }),
      file({ path: '/etc/systemd/system/frr.service.d/20-ha-bgp.conf', content: FRR_DROPIN, notify: 'systemd daemon-reload' }),
      service({ unit: 'frr', state: 'started', enabled: true }),
    );
    return tasks;
  },
  handlers: (ctx) => ({
    'systemd daemon-reload': [daemonReload({})],
    // A restart drops the node's BGP sessions, and with them its announcement: on the VIP holder
    // the VIPs go to the peer first (which then announces as primary), so no traffic is lost.
    'handover restart frr': [
      handoverRestart({
        name: 'hand over and restart frr', unit: 'frr', vips: handoverVips(ctx.vars), watch: FRR_RESTART_FILES,
        stateDir: ctx.vars.keepalived_state_dir,
      }),
    ],
  }),
});

export default bgp;
