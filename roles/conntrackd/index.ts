import { absolutePath, defineRole, type HostView, command, directory, file, pkg, service, ipOf, isIpv4, validateNetwork, handoverRestart, routeServers, bgpPeerProblems, handoverVips, kernelConntrackMax, portNumber, validateManagement } from 'ts-play';
import { defaults, type ConntrackdVars } from './defaults.ts';

/**
 * conntrackd has no config-test switch. Its client mode (-s) parses the whole file with the
 * daemon's parser before talking to the running daemon's socket, so: a syntax error or a
 * warning (an unknown protocol name is only a warning and silently syncs nothing) fails;
 * "can't connect" after a clean parse passes. Semantics (the interface, binding the port)
 * are only checked when the daemon starts.
 */
export const CONNTRACKD_VALIDATE = `out=$(conntrackd -C "$1" -s 2>&1); rc=$?
if printf '%s\\n' "$out" | grep -q -e 'parsing config file' -e '\\[warning\\]' -e 'ERROR\\] .*config'; then printf '%s\\n' "$out" >&2; exit 1; fi
if [ "$rc" -eq 0 ] || printf '%s\\n' "$out" | grep -q "can't connect"; then exit 0; fi
printf '%s\\n' "$out" >&2; exit 1`;

const PROTOCOLS = new Set(['TCP', 'UDP', 'ICMP', 'SCTP', 'DCCP', 'UDPLITE', 'GRE', 'IPV6-ICMP']);

/** The kernel's conntrack limit as inventory gives it: the sysctl role's variable wins. */
export function conntrackMax(v: ConntrackdVars, host: HostView): { name: string; value: unknown } {
  return kernelConntrackMax(host.vars, { name: 'conntrackd_nf_conntrack_max', value: v.conntrackd_nf_conntrack_max });
}

/** Flows from or to these are not synced: the node's own traffic and the VIPs. */
export function ignoredAddresses(v: ConntrackdVars): string[] {
  const list = ['127.0.0.1', ipOf(v.lan_vip), ipOf(v.wan_vip), ipOf(v.sync_address), ipOf(v.peer_sync_address),
    ipOf(v.lan_address), ipOf(v.wan_address), ipOf(v.mgmt_address), ...v.conntrackd_ignore_extra];
  return [...new Set(list)];
}

/**
 * The IPv6 side of the same: in bgp mode the node's BGP (and BFD) sessions with the route
 * servers. Synced, a backup would inject them; flushed by the backup's scheduled purge, the
 * session would live on only by the kernel's loose pickup.
 */
export function ignoredAddresses6(v: ConntrackdVars): string[] {
  if (v.keepalived_vip_mode !== 'bgp') return [];
  return [...new Set(['::1', ...routeServers(v), ...(v.bgp_source_address ? [v.bgp_source_address] : [])])];
}

function validate(v: ConntrackdVars, host: HostView): string[] {
  const errors = validateNetwork(v);
  const max = conntrackMax(v, host);
  if (typeof max.value !== 'number' || !Number.isInteger(max.value) || max.value <= 0) {
    errors.push(`${max.name} must be a positive integer, got ${JSON.stringify(max.value)}`);
  } else if (v.conntrackd_hash_limit < 2 * max.value) {
    errors.push(`conntrackd_hash_limit ${v.conntrackd_hash_limit} is less than 2 x ${max.name} (${2 * max.value}): the cache would refuse entries the kernel holds`);
  }
  errors.push(...portNumber('conntrackd_port', v.conntrackd_port), ...validateManagement(v), ...bgpPeerProblems(v));
  // Written into conntrackd.conf, where a space or a newline would make a directive of its own.
  for (const k of ['conntrackd_config', 'conntrackd_lock_file', 'conntrackd_socket', 'keepalived_state_dir'] as const) errors.push(...absolutePath(k, v[k]));
  for (const a of v.conntrackd_ignore_extra) if (!isIpv4(a)) errors.push(`conntrackd_ignore_extra: "${a}" is not an IPv4 address`);
  for (const p of v.conntrackd_protocols) if (!PROTOCOLS.has(p.toUpperCase())) errors.push(`conntrackd_protocols: unknown protocol "${p}"`);
  for (const p of ['TCP', 'UDP']) {
    if (!v.conntrackd_protocols.some((x) => x.toUpperCase() === p)) errors.push(`conntrackd_protocols must include ${p}: its flows would not survive a failover`);
  }
  return errors;
}

export const conntrackd = defineRole<ConntrackdVars>({
  name: 'conntrackd',
  dir: import.meta.dirname,
  tags: ['ha'],
  defaults,
  validate,
  tasks: (ctx) => {
    const v = ctx.vars;
    const helpers = { ip: ipOf, peer: ipOf, ignored: ignoredAddresses(v), ignored6: ignoredAddresses6(v) };
    return [
      // netbase ships /etc/protocols: without it conntrackd's Protocol Accept matches nothing.
      pkg({ names: ['conntrackd', 'conntrack', 'netbase'] }),
      directory({ path: '/etc/conntrackd', mode: '0755' }),
      file({
        path: '/usr/local/sbin/conntrackd-ha.sh', content: ctx.file('conntrackd-ha.sh'), mode: '0755',
        validate: ['sh', '-n', '%s'],
      }),
      file({
        path: v.conntrackd_config, content: ctx.template('conntrackd.conf.ejs', helpers), mode: '0600',
        validate: ['sh', '-c', CONNTRACKD_VALIDATE, 'sh', '%s'], notify: 'restart conntrackd',
      }),
      service({ unit: 'conntrackd', state: 'started', enabled: true }),
    ];
  },
  handlers: (ctx) => ({
    // No reload exists. The kernel keeps its table across the restart; the caches are rebuilt
    // from it and from the peer by the resync request that follows. On the VIP holder the VIPs
    // go to the peer first (whose notify script commits the synced flows), so no flow is cut.
    'restart conntrackd': [
      handoverRestart({
        name: 'restart conntrackd', unit: 'conntrackd', conntrackdConfig: ctx.vars.conntrackd_config, watch: [ctx.vars.conntrackd_config],
        vips: handoverVips(ctx.vars), stateDir: ctx.vars.keepalived_state_dir,
      }),
      command({ name: 'conntrackd resync with the peer', argv: ['/usr/local/sbin/conntrackd-ha.sh', 'resync'] }),
    ],
  }),
});

export default conntrackd;
