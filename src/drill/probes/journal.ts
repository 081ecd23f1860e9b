/**
 * The takeover as the new master logged it (`journalctl -o short-unix` of
 * Keepalived_vrrp, ha-notify, conntrackd-ha): when keepalived entered MASTER,
 * when conntrackd committed the synced flows, when forwarding was released.
 * Splits an outage into VRRP time and hold time.
 */

export interface Takeover {
  masterAt: number;
  commitAt?: number;
  holdOffAt?: number;
  /** bgp mode: ha-bgp's own line, written once the announcement as primary is done. */
  announcedAt?: number;
  doneAt?: number;
}

export function parseTakeovers(out: string): Takeover[] {
  const r: Takeover[] = [];
  let cur: Takeover | undefined;
  for (const line of out.split('\n')) {
    const m = /^(\d+\.\d+)\s+\S+\s+(\S+?)(?:\[\d+\])?:\s+(.*)$/.exec(line);
    if (!m) continue;
    const msg = m[3]!;
    // ha-notify logs after the release and says when each step happened: the journal's own time
    // for those lines is when the line arrived, later.
    const at = /^(?:conntrackd -c: ok|forwarding released) at (\d+\.\d+) /.exec(msg);
    const t = Number(at ? at[1] : m[1]) * 1000;
    if (/Entering MASTER STATE/.test(msg)) {
      if (!cur || (cur.doneAt !== undefined)) {
        cur = { masterAt: t };
        r.push(cur);
      }
    } else if (cur && /conntrackd -c: ok/.test(msg)) cur.commitAt ??= t;
    // ha-hold's own line (a forked release) is written right after it; ha-notify reports it later.
    else if (cur && /forwarding released|ha-hold off: ok/.test(msg)) cur.holdOffAt ??= t;
    else if (cur && /announcing as primary \(VRRP MASTER\)$/.test(msg)) cur.announcedAt ??= t;
    else if (cur && /MASTER: done/.test(msg)) cur.doneAt ??= t;
    else if (/Entering (BACKUP|FAULT) STATE/.test(msg)) cur = undefined;
  }
  return r;
}

/** The takeover that followed a fault: the first one at or after it. */
export function takeoverAfter(ts: readonly Takeover[], faultMs: number): Takeover | undefined {
  return ts.filter((x) => x.masterAt >= faultMs - 5).sort((a, b) => a.masterAt - b.masterAt)[0];
}

export const journalArgv = (sinceMs: number): string[] =>
  ['journalctl', '-o', 'short-unix', '--no-pager', '-t', 'Keepalived_vrrp', '-t', 'ha-notify', '-t', 'conntrackd-ha', '-t', 'ha-hold', '-t', 'ha-bgp', '--since', `@${Math.floor(sinceMs / 1000)}`];
