import { type AnyTask, absent, defineRole, type HostView, daemonReload, directory, file, pkg, service, serviceAction, handoverRestart, handoverVips, quote, ipOf, systemUser } from 'ts-play';
import { defaults, type KeepalivedVars } from './defaults.ts';
import { validateKeepalived } from './validate.ts';

export const SCRIPT_USER = 'keepalived_script';

/**
 * `keepalived -t -f FILE`, with a workaround: Debian 12's keepalived 2.2.7 kills itself
 * (SIGTERM, exit 143) when testing any config that has a vrrp_script (keepalived issue 2587,
 * fixed in 2.2.8). On that exit the config is tested again without its vrrp_script and
 * track_script blocks, so everything else is still checked by keepalived itself; the script
 * blocks are then only checked by the role's own validation.
 */
export const KEEPALIVED_VALIDATE = `keepalived -t -f "$1"; rc=$?
[ "$rc" -eq 143 ] || exit "$rc"
t=$(mktemp) || exit 1
awk 'skip { n += gsub(/[{]/, "{"); n -= gsub(/[}]/, "}"); if (n <= 0) skip = 0; next }
/^[ \t]*(vrrp_script|track_script)([ \t{]|$)/ { n = gsub(/[{]/, "{"); n -= gsub(/[}]/, "}"); skip = (n > 0); next }
{ print }' "$1" >"$t"
keepalived -t -f "$t"; rc=$?
rm -f -- "$t"
exit "$rc"`;

export interface Instance {
  name: string;
  iface: string;
  vrid: number;
  src: string;
  peer: string;
  vip: string;
  vipIp: string;
  /**
   * How this VIP moves. The LAN VIP is a VLAN address: it always moves by ARP/GARP (Linode's
   * IP Sharing is for public IPs, and a VLAN address on lo would never be answered for, with
   * arp_ignore=1). keepalived_vip_mode chooses for the WAN VIP only.
   */
  mode: 'arp' | 'bgp';
}

export function instances(v: KeepalivedVars): Instance[] {
  return [
    { name: 'VI_LAN', iface: v.lan_interface, vrid: v.keepalived_lan_vrid, src: ipOf(v.lan_address), peer: ipOf(v.peer_lan_address), vip: v.lan_vip, vipIp: ipOf(v.lan_vip), mode: 'arp' },
    { name: 'VI_WAN', iface: v.wan_interface, vrid: v.keepalived_wan_vrid, src: ipOf(v.wan_address), peer: ipOf(v.peer_wan_address), vip: v.wan_vip, vipIp: ipOf(v.wan_vip), mode: v.keepalived_vip_mode },
  ];
}

/** ha-notify (keepalived's fifo reader) and its config: only a start sends a new reader every state, so a change restarts keepalived (by handover). */
export const KEEPALIVED_RESTART_FILES = ['/usr/local/sbin/ha-notify', '/etc/keepalived/ha-notify.conf'];

/** A syntax check that writes nothing (py_compile would leave a __pycache__ beside the file). */
const PYTHON_SYNTAX = ['python3', '-c', 'import ast, sys; ast.parse(open(sys.argv[1], encoding="utf-8").read(), sys.argv[1])', '%s'];

const NOTIFY_DROPIN = `# Managed by ts-play (role keepalived): accept readiness from keepalived's child processes.
[Service]
NotifyAccess=all
`;

export const keepalived = defineRole<KeepalivedVars>({
  name: 'keepalived',
  dir: import.meta.dirname,
  tags: ['ha'],
  defaults,
  validate: (v: KeepalivedVars, _host: HostView) => validateKeepalived(v),
  tasks: (ctx) => {
    const v = ctx.vars;
    const list = instances(v);
    const bgp = v.keepalived_vip_mode === 'bgp';
    // The BGP check asks FRR's vty sockets, which its group frrvty may open; lelastic's is systemd's.
    const bgpCheckGroup = v.bgp_speaker === 'frr' ? 'frrvty' : SCRIPT_USER;
    const locals = { instances: list, script_user: SCRIPT_USER, nopreempt: bgp || v.keepalived_nopreempt, bgpCheckGroup, sh: quote };
    const tasks: AnyTask[] = [
      // python3-nftables: the notify reader releases the forwarding hold through libnftables, unforked.
      pkg({ names: ['keepalived', 'python3-nftables'] }),
      // Debian's unit is Type=notify with the default NotifyAccess=main, but keepalived 2.2.7
      // also signals readiness from its VRRP child: systemd drops that message, and a reload
      // (SIGHUP) can then hang in "reloading" until it times out, again and again (seen in the
      // lab; the rollout gates refuse to touch a node in that state).
      directory({ path: '/etc/systemd/system/keepalived.service.d', mode: '0755' }),
      file({ path: '/etc/systemd/system/keepalived.service.d/10-notify.conf', content: NOTIFY_DROPIN, notify: 'systemd daemon-reload' }),
      systemUser(SCRIPT_USER),
      // Read only when keepalived starts its fifo reader: a change needs a restart, done as a handover.
      file({ path: '/usr/local/sbin/ha-notify', content: ctx.file('ha-notify'), mode: '0755', validate: PYTHON_SYNTAX, notify: 'handover restart keepalived' }),
      // The shell reader it replaced (forks on the takeover path), left by earlier versions.
      absent({ path: '/usr/local/sbin/ha-notify.sh' }),
      file({
        path: '/etc/keepalived/ha-notify.conf', content: ctx.template('ha-notify.conf.ejs', { sh: quote }),
        mode: '0644', validate: ['sh', '-n', '%s'], notify: 'handover restart keepalived',
      }),
      file({ path: '/etc/keepalived/vrrp-instances', content: ctx.template('vrrp-instances.ejs', locals), mode: '0644' }),
    ];
    tasks.push(
      file({
        path: '/etc/keepalived/keepalived.conf', content: ctx.template('keepalived.conf.ejs', locals), mode: '0600',
        validate: ['sh', '-c', KEEPALIVED_VALIDATE, 'sh', '%s'], notify: 'reload keepalived',
      }),
      service({ unit: 'keepalived', state: 'started', enabled: true }),
    );
    return tasks;
  },
  handlers: (ctx) => ({
    'systemd daemon-reload': [daemonReload({})],
    // SIGHUP keeps mastership and applies only the differences; a restart would move the VIPs.
    'reload keepalived': [serviceAction({ unit: 'keepalived', action: 'reload' })],
    // Skipped when keepalived started after the files changed (it was just installed or started).
    'handover restart keepalived': [
      handoverRestart({
        name: 'hand over and restart keepalived', unit: 'keepalived', vips: handoverVips(ctx.vars),
        watch: KEEPALIVED_RESTART_FILES, stateDir: ctx.vars.keepalived_state_dir,
      }),
    ],
  }),
});

export default keepalived;
