// The gateways' own flows through takeovers (issue 12): ts-play's SSH session to each gateway is
// held open and asked to answer every 200 ms while the VIPs move by a takeover (keepalived
// stopped on the holder, then preempting back), while a rollout restarts conntrackd on the holder
// through a handover and replaces the ruleset on both, and until conntrackd's scheduled flush of
// the node that became backup (PurgeTimeout, 60 s after `conntrackd -t`) has run. Each session
// must answer within a second throughout, and no takeover step may delete the conntrack entry
// of the gateway's own SSH session, of its sync link or of its VRRP adverts.
import test from 'ava';
import { labUp } from '../../src/lab/cli.ts';
import { labExec } from '../helpers/cli.ts';
import { holders, site, tail } from '../helpers/pair.ts';
import { DestroyWatch, SessionWatch, type SessionReport } from '../helpers/sessions.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const GATEWAYS = ['gw1', 'gw2'];
/** keepalived_preempt_delay in inventory/lab.yml, plus the time to notice and move. */
const PREEMPT_MS = 35_000;
/** conntrackd's PurgeTimeout (default 60 s) after a node became backup, with a margin. */
const PURGE_MS = 70_000;

async function waitFor(what: string, ms: number, check: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await sleep(200);
  }
  throw new Error(`not within ${ms / 1000} s: ${what}`);
}

test.before(async () => {
  await labUp();
  const r = await site([]);
  if (r.code !== 0) throw new Error(`site.ts does not converge before the session test:\n${tail(r)}`);
});

test.serial("each gateway's management session answers within a second through a takeover, a conntrackd restart with handover and a ruleset change; its own flows are never deleted", async (t) => {
  const [holder] = await holders();
  t.truthy(holder, 'a node holds the VIPs');
  const peer = holder === 'gw1' ? 'gw2' : 'gw1';
  const sessions = await Promise.all(GATEWAYS.map((h) => SessionWatch.open(h)));
  const destroys = await Promise.all(GATEWAYS.map((h) => DestroyWatch.start(h, 900)));
  let reports: SessionReport[];
  let events: string[][];
  try {
    // A takeover: the holder's keepalived stops (priority 0), the peer takes the VIPs; once
    // started again the holder preempts them back after its preempt delay.
    t.is((await labExec(holder!, ['systemctl', 'stop', 'keepalived'])).code, 0);
    await waitFor(`${peer} holds the VIPs`, 10_000, async () => (await holders()).join() === peer);
    t.is((await labExec(holder!, ['systemctl', 'start', 'keepalived'])).code, 0);
    await waitFor(`${holder} takes the VIPs back`, PREEMPT_MS + 10_000, async () => (await holders()).join() === holder);
    // A rollout: conntrackd restarted through a handover on the holder, the ruleset replaced on both.
    const r = await site(['-e', 'conntrackd_ack_window=303', '-e', 'nftables_icmp_rate=15']);
    t.is(r.code, 0, tail(r));
    t.regex(r.stdout, new RegExp(`${holder} \\| conntrackd \\| handler: restart conntrackd \\| changed \\| hand over and restart`));
    const back = await site([]);
    t.is(back.code, 0, tail(back));
    // The last node to become backup scheduled a flush of its kernel table: let it run.
    await sleep(PURGE_MS);
  } finally {
    reports = await Promise.all(sessions.map((s) => s.stop()));
    events = await Promise.all(destroys.map((d) => d.stop()));
  }
  // The sync link's flows in use now. conntrackd's restart in the rollout opened new sockets: the
  // old sockets' flows (one-way, UNREPLIED) then time out by themselves, which is no deletion.
  const live = await Promise.all(GATEWAYS.map(async (h) => {
    const r = await labExec(h, ['sh', '-c', 'conntrack -L -p udp --dport 3780 2>/dev/null; exit 0']);
    return new Set([...r.stdout.matchAll(/\bsport=(\d+) dport=3780\b/g)].map((m) => m[1]!));
  }));
  for (const [i, s] of reports.entries()) {
    t.log(`${s.host}: ${s.answers} answers, slowest ${s.slowestMs} ms at ${s.slowestAt}${s.late.length ? `; late: ${s.late.join(', ')}` : ''}`);
    t.is(s.error, undefined, `${s.host}: the session failed`);
    t.deepEqual(s.late, [], `${s.host}: answers that took a second or more`);
    t.true(s.answers > 100, `${s.host}: the session kept answering (${s.answers})`);
    const syncInUse = (e: string) => [...live[i]!].some((port) => e.includes(`sport=${port} dport=3780 `));
    const own = events[i]!.filter((e) => e.includes(`sport=${s.clientPort} `) || syncInUse(e) || /\bunknown\s+112\b|vrrp/i.test(e));
    t.deepEqual(own, [], `${s.host}: conntrack entries of its own SSH session, live sync link or VRRP were deleted`);
    t.true(live[i]!.size > 0, `${s.host}: the sync link has flows (conntrackd is sending)`);
  }
});
