import type { Connection, ExecResult } from '../connection/types.ts';
import { UnreachableError } from '../connection/types.ts';
import { runProbes } from '../connection/batch.ts';
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
  /** VRRP states ha-notify.sh recorded (VI_LAN, VI_WAN, group-G_NAT), when present. */
  vrrp: Record<string, string>;
  /** ha-check run as the script user: ok, failing (with its syslog lines), or not installed. */
  check: { status: 'ok' | 'failing' | 'absent'; detail: string };
  /** conntrackd -s cache sizes; undefined when the daemon did not answer. */
  caches?: { internal: number; external: number };
  conntrackdError?: string;
}

export type ServiceState = 'active' | 'inactive' | 'failed' | 'activating' | 'absent' | string;

export const HA_CHECK = '/usr/local/sbin/ha-check.sh';

// Each state file holds one word; a missing directory is an empty answer, not an error.
const STATE_FILES = `for f in "$1"/*.state; do [ -f "$f" ] || continue; n=\${f##*/}; printf '%s %s\\n' "\${n%.state}" "$(head -n 1 "$f")"; done; exit 0`;

/** The argv the gates send, exported so fixture tests answer exactly these. */
export function nodeProbes(s: PairSettings) {
  return {
    addr: ['ip', '-o', '-4', 'addr', 'show'],
    units: ['systemctl', 'show', '-p', 'Id,LoadState,ActiveState', '--', 'keepalived.service', 'conntrackd.service'],
    states: ['sh', '-c', STATE_FILES, 'sh', s.stateDir],
    check: ['setpriv', `--reuid=${s.checkUser}`, `--regid=${s.checkUser}`, '--clear-groups', HA_CHECK],
    checkLog: ['journalctl', '-t', 'ha-check', '--since=-30s', '-o', 'cat', '--no-pager', '-n', '4'],
    conntrackd: ['conntrackd', '-C', s.conntrackdConfig, '-s'],
  };
}

/** Plain IPv4 addresses on any interface, from `ip -o -4 addr show`. */
export function parseAddresses(stdout: string): string[] {
  const out: string[] = [];
  for (const m of stdout.matchAll(/\sinet (\d+\.\d+\.\d+\.\d+)\//g)) out.push(m[1]!);
  return out;
}

/** `systemctl show -p Id,LoadState,ActiveState -- a b`: blocks separated by blank lines. */
export function parseUnits(stdout: string): Record<string, ServiceState> {
  const out: Record<string, ServiceState> = {};
  for (const block of stdout.split(/\n\s*\n/)) {
    const kv: Record<string, string> = {};
    for (const line of block.split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) kv[line.slice(0, eq)] = line.slice(eq + 1).trim();
    }
    if (!kv.Id) continue;
    const name = kv.Id.replace(/\.service$/, '');
    out[name] = kv.LoadState === 'not-found' ? 'absent' : (kv.ActiveState ?? 'unknown');
  }
  return out;
}

export function parseStates(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const [name, state] = line.trim().split(/\s+/);
    if (name && state) out[name] = state;
  }
  return out;
}

/** The "current active connections" of the internal and external caches in `conntrackd -s`. */
export function parseCaches(stdout: string): { internal: number; external: number } | undefined {
  const sizeOf = (cache: string) => {
    const m = new RegExp(`cache ${cache}:\\s*\\n\\s*current active connections:\\s*(\\d+)`).exec(stdout);
    return m ? Number(m[1]) : undefined;
  };
  const internal = sizeOf('internal');
  const external = sizeOf('external');
  return internal === undefined || external === undefined ? undefined : { internal, external };
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
    const [addr, unitsOut, states, run, log, ctd] = await runProbes(conn, [p.addr, p.units, p.states, p.check, p.checkLog, p.conntrackd].map((argv) => ({ argv })));
    const units = parseUnits(unitsOut!.stdout);
    const have = new Set(parseAddresses(addr!.stdout));
    const caches = ctd!.code === 0 ? parseCaches(ctd!.stdout) : undefined;
    return {
      host,
      reachable: true,
      vips: s.vips.filter((v) => have.has(v)),
      keepalived: units.keepalived ?? 'absent',
      conntrackd: units.conntrackd ?? 'absent',
      vrrp: parseStates(states!.stdout),
      check: checkResult(run!, log),
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
