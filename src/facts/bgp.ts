import type { Probe } from '../connection/batch.ts';

/**
 * A gateway's BGP side in bgp mode, read in one probe: what ha-bgp says the node announces
 * (primary, secondary or unknown) and each route-server session's state from bgpd's JSON.
 * A node without the speaker answers "absent".
 */
export const BGP_PROBE: Probe = {
  argv: ['sh', '-c', `command -v vtysh >/dev/null 2>&1 || { echo absent; exit 0; }
echo "announces $(/usr/local/sbin/ha-bgp status 2>/dev/null || echo unknown)"
vtysh -c 'show bgp neighbors json' 2>/dev/null
exit 0`],
};

export interface BgpState {
  /** The speaker is installed and answered. */
  present: boolean;
  announces: 'primary' | 'secondary' | 'unknown';
  /** Route server address -> BGP state ("Established", "Active", "Connect" ...). */
  sessions: Record<string, string>;
}

export function parseBgp(out: string): BgpState {
  if (out.trim() === 'absent') return { present: false, announces: 'unknown', sessions: {} };
  const [head = '', ...rest] = out.split('\n');
  const a = /^announces (\S+)/.exec(head)?.[1];
  const announces = a === 'primary' || a === 'secondary' ? a : 'unknown';
  const sessions: Record<string, string> = {};
  try {
    const json = JSON.parse(rest.join('\n') || '{}') as Record<string, { bgpState?: string }>;
    for (const [peer, n] of Object.entries(json)) if (n && typeof n === 'object' && n.bgpState) sessions[peer] = n.bgpState;
  } catch {
    // bgpd not answering: no sessions known, which the gates report.
  }
  return { present: true, announces, sessions };
}

export const established = (b: BgpState): string[] => Object.entries(b.sessions).filter(([, s]) => s === 'Established').map(([p]) => p);
