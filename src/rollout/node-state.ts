import type { Connection, ExecResult } from '../connection/types.ts';
import { UnreachableError } from '../connection/types.ts';
import { runProbes } from '../connection/batch.ts';
import { ADDRESSES_PROBE, parseIpv4Addresses } from '../facts/addresses.ts';
import { conntrackdStatsProbe, parseConntrackdStats } from '../facts/conntrackd.ts';
import { parseUnits, unitsProbe } from '../facts/units.ts';
import { BGP_PROBE, parseBgp, type BgpState } from '../facts/bgp.ts';
import type { PairSettings } from './settings.ts';

/** What the gates know about one gateway at one moment; read only, never changed by reading. */
export interface NodeState {
  host: string;
  reachable: boolean;
  /** Why the node could not be read, when it could not. */
  unreachableReason?: string;
  /** Which of the pair's VIPs (plain IPs) this node has on an interface. */
  vips: string[];
  keepalived: ServiceState;
  conntrackd: ServiceState;
  /** VRRP states ha-notify recorded (VI_LAN, VI_WAN, group-G_NAT), when present. */
  vrrp: Record<string, string>;
  /** ha-check run as the script user: ok, failing (with its syslog lines), or not installed. */
  check: { status: 'ok' | 'failing' | 'absent'; detail: string };
  /** conntrackd -s cache sizes; undefined when the daemon did not answer. */
  caches?: { internal: number; external: number };
  conntrackdError?: string;
  /** bgp mode only: what the node announces and its route-server sessions. */
  bgp?: BgpState;
  /** Why the node's addresses could not be listed, when they could not (then `vips` says nothing). */
  addressesError?: string;
}

export type ServiceState = 'active' | 'inactive' | 'failed' | 'activating' | 'absent' | string;

export const HA_CHECK = '/usr/local/sbin/ha-check.sh';

// Each state file holds one word; a missing directory is an empty answer, not an error.
const STATE_FILES = `for f in "$1"/*.state; do [ -f "$f" ] || continue; n=\${f##*/}; printf '%s %s\\n' "\${n%.state}" "$(head -n 1 "$f")"; done; exit 0`;

/** The argv the gates send, exported so fixture tests answer exactly these. */
export function nodeProbes(s: PairSettings) {
  return {
    addr: ADDRESSES_PROBE.argv,
    units: unitsProbe(['keepalived.service', 'conntrackd.service'], 'Id,LoadState,ActiveState').argv,
    states: ['sh', '-c', STATE_FILES, 'sh', s.stateDir],
    check: ['setpriv', `--reuid=${s.checkUser}`, `--regid=${s.checkUser}`, '--clear-groups', HA_CHECK],
    checkLog: ['journalctl', '-t', 'ha-check', '--since=-30s', '-o', 'cat', '--no-pager', '-n', '4'],
    conntrackd: conntrackdStatsProbe(s.conntrackdConfig).argv,
    bgp: BGP_PROBE.argv,
  };
}

export function parseStates(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const [name, state] = line.trim().split(/\s+/);
    if (name && state) out[name] = state;
  }
  return out;
}

function firstLines(s: string, n = 3): string {
  return s.trim().split('\n').filter(Boolean).slice(-n).join('; ');
}

function checkResult(run: ExecResult, log: ExecResult | undefined): NodeState['check'] {
  if (run.code === 0) return { status: 'ok', detail: 'passes' };
  if (/No such file|not found/i.test(run.stderr) || run.code === 127) return { status: 'absent', detail: `${HA_CHECK} is not installed` };
  const why = log && log.code === 0 ? firstLines(log.stdout) : '';
  return { status: 'failing', detail: `exit ${run.code}${why ? `: ${why}` : ''}` };
}

/** Reads one node. An unreachable node is a state (the gates decide what it means), not a throw. */
export async function readNode(host: string, conn: Connection, s: PairSettings): Promise<NodeState> {
  const p = nodeProbes(s);
  try {
    // One round trip: the gates read both nodes at every poll, so each exec would count.
    const argvs = [p.addr, p.units, p.states, p.check, p.checkLog, p.conntrackd, ...(s.bgp ? [p.bgp] : [])];
    const [addr, unitsOut, states, run, log, ctd, bgp] = await runProbes(conn, argvs.map((argv) => ({ argv })));
    const units = parseUnits(unitsOut!.stdout);
    const unit = (id: string): ServiceState => (units[id] ? (units[id].exists ? units[id].activeState : 'absent') : 'absent');
    const have = new Set(parseIpv4Addresses(addr!.stdout));
    const stats = ctd!.code === 0 ? parseConntrackdStats(ctd!.stdout) : {};
    const caches = stats.internal !== undefined && stats.external !== undefined ? { internal: stats.internal, external: stats.external } : undefined;
    return {
      host,
      reachable: true,
      vips: s.vips.filter((v) => have.has(v)),
      keepalived: unit('keepalived.service'),
      conntrackd: unit('conntrackd.service'),
      vrrp: parseStates(states!.stdout),
      check: checkResult(run!, log),
      ...(bgp ? { bgp: parseBgp(bgp.stdout) } : {}),
      ...(addr!.code !== 0 ? { addressesError: `\`ip -o -4 addr show\` exited ${addr!.code}: ${addr!.stderr.trim()}` } : {}),
      ...(caches ? { caches } : { conntrackdError: `\`conntrackd -s\` exited ${ctd!.code}: ${firstLines(ctd!.stderr || ctd!.stdout, 1) || 'no output'}` }),
    };
  } catch (e) {
    if (!(e instanceof UnreachableError)) throw e;
    return {
      host, reachable: false, unreachableReason: e.reason, vips: [], keepalived: 'unknown', conntrackd: 'unknown', vrrp: {},
      check: { status: 'failing', detail: 'unreachable' },
    };
  }
}
