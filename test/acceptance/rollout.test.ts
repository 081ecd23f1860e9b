// Rollout safety (issue 7) on the lab, with traffic: the client pings the server through the VIPs
// at 100/s and keeps a TCP connection through the NAT, while site.ts rolls out the pair. Each
// test leaves the lab converged (site.ts with the inventory's values). The lock-out revert is
// proven in roles-security.test.ts ("a ruleset that would lock the control side out ...").
import test from 'ava';
import { labExec as labExecNow, labKill, labUp } from '../../src/lab/cli.ts';
import { labExec, recap, type CliResult } from '../helpers/cli.ts';
import { holders, site, tail } from '../helpers/pair.ts';
import { Traffic, type TrafficResult } from '../helpers/traffic.ts';

/** Converges the pair with the inventory's values (the suite owns the lab: no retry). */
const converge = (): Promise<CliResult> => site([]);

const figure = (t: { log: (...a: unknown[]) => void }, what: string, f: TrafficResult) =>
  t.log(`${what}: ${f.lost} of ${f.sent} pings lost by the steady-stream estimate, ${f.missing} replies missing (longest gap ${f.longestGapMs} ms; gaps ${f.gaps.join(", ") || "none"}); TCP ${f.tcpSurvived ? 'survived' : 'LOST'} (${f.tcpDetail})`);

test.before(async () => {
  // Shared lab: bring up what is missing (a no-op on a running lab), then start from converged.
  await labUp();
  const r = await converge();
  if (r.code !== 0) throw new Error(`site.ts does not converge before the rollout tests:\n${tail(r)}`);
});

test.serial('a rollout changing keepalived, conntrackd and nftables on both nodes keeps the VIPs up and the TCP flow alive (pings lost are logged)', async (t) => {
  const first = await holders();
  t.is(first.length, 1, `one node holds the VIPs before the rollout: ${first.join(',')}`);
  // Both runs happen whatever the first shows (a failed assertion ends the test): the lab is
  // always rolled back to the inventory's values.
  const traffic = await Traffic.start();
  let r: CliResult;
  let f: TrafficResult;
  try {
    r = await site(['-e', 'keepalived_garp_master_refresh=61', '-e', 'conntrackd_ack_window=301', '-e', 'nftables_icmp_rate=11']);
  } finally {
    f = await traffic.stop();
  }
  const holderAfter = await holders();
  const back = await Traffic.start();
  let again: CliResult;
  let g: TrafficResult;
  try {
    again = await converge();
  } finally {
    g = await back.stop();
  }
  figure(t, 'change rollout', f);
  figure(t, 'rollback to the inventory values', g);
  t.is(r.code, 0, tail(r));
  t.is(again.code, 0, tail(again));
  // The holder went last and restarted conntrackd through a handover; the other just restarted it.
  t.regex(r.stdout, new RegExp(`rollout order \\S+, ${first[0]}: ${first[0]} holds the VIPs and goes last`));
  t.regex(r.stdout, new RegExp(`${first[0]} \\| conntrackd \\| handler: restart conntrackd \\| changed \\| hand over and restart: this node holds 198\\.18\\.1\\.1, 198\\.19\\.0\\.1`));
  t.regex(r.stdout, /handler: reload keepalived \| changed/);
  for (const gw of ['gw1', 'gw2']) t.true((recap(r.stdout, gw)?.changed ?? 0) >= 3, `${gw} changed`);
  t.deepEqual(holderAfter, ['gw1'], 'the preferred master holds the VIPs again');
  t.true(f.tcpSurvived, f.tcpDetail);
  t.true(g.tcpSurvived, g.tcpDetail);
  // How many pings a rollout loses is a figure (README, Rollout safety; the target is 3
  // and is not met yet), not a test assertion. What is asserted is the behaviour: the VIPs never
  // went away, i.e. no gap reached 0.72 s (3.5 times the 0.2 s a backup needs to notice a vanished
  // master with the role's timers: a handover that lost its VIPs on the way would show).
  t.true(f.longestGapMs < 720, `longest gap ${f.longestGapMs} ms during the rollout`);
  t.true(g.longestGapMs < 720, `longest gap ${g.longestGapMs} ms rolling back`);
});

test.serial('a failing gate before the second node stops the rollout before touching it; the VIPs stay up', async (t) => {
  const [second] = await holders();
  t.truthy(second, 'a node holds the VIPs');
  const firstNode = second === 'gw1' ? 'gw2' : 'gw1';
  const traffic = await Traffic.start();
  let blocked: Promise<{ code: number }> | undefined;
  try {
    // Once the first node's gate has passed, the second node's health endpoint goes dark. In
    // process (nsenter, milliseconds), not through the CLI: the first node's batch and the gate
    // after it take well under a second now, less than starting a second ts-play.
    const r = await site(['-e', 'nftables_icmp_rate=12'], (line) => {
      if (!blocked && line.includes(`${firstNode}: ${second} is ready to take over`)) {
        blocked = labExecNow(second!, ['/usr/sbin/nft', 'add table inet tsp_rollout_test { chain out { type filter hook output priority 0; ip daddr 198.19.0.100 tcp dport 80 drop; }; }'], 'pipe');
      }
    });
    const f = await traffic.stop();
    figure(t, 'gate fails before the second node', f);
    t.truthy(blocked, 'the first gate passed');
    t.is((await blocked!).code, 0);
    t.not(r.code, 0, tail(r));
    // Which gate sees it first is a race with keepalived: the blocked check lowers the holder's
    // priority, so either the holder's own ha-check fails the gate before it, or keepalived has
    // already moved the VIPs to the first node and the gate after the first node says so.
    t.regex(
      r.stdout,
      new RegExp(
        `gate before batch 2 failed: before touching ${second}: .*ha-check fails on ${second} when run as keepalived_script \\(exit 1: .*198\\.19\\.0\\.100` +
          `|gate after batch 1 failed: ${firstNode} after its changes: ${firstNode} is the preferred backup but holds 198\\.18\\.1\\.1, 198\\.19\\.0\\.1`,
      ),
    );
    t.deepEqual(recap(r.stdout, second!), { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0 }, 'the second node was not touched');
    t.true((recap(r.stdout, firstNode)?.changed ?? 0) >= 1, 'the first node was rolled out');
    // The blocked check lowers the holder's priority below its peer's, so keepalived itself may
    // move the VIPs (one takeover, ~0.1 s): the loss is logged, the flow must survive it.
    t.is((await holders()).length, 1, 'the VIPs are up on one node');
    t.true(f.tcpSurvived, f.tcpDetail);
  } finally {
    await labExec(second!, ['/usr/sbin/nft', 'delete', 'table', 'inet', 'tsp_rollout_test']);
    const again = await converge();
    t.is(again.code, 0, tail(again));
  }
});

test.serial('a node killed during its rollout stops the run; the other keeps the VIPs; lab up and a re-run converge', async (t) => {
  const [holder] = await holders();
  const victim = holder === 'gw1' ? 'gw2' : 'gw1';
  const traffic = await Traffic.start();
  let killed: Promise<void> | undefined;
  let r: CliResult;
  let f: TrafficResult;
  let holdersAfter: string[];
  let again: CliResult;
  try {
    r = await site(['-e', 'nftables_icmp_rate=13'], (line) => {
      // Mid-rollout: the victim has applied its kernel settings and is on its firewall.
      if (!killed && line.startsWith(`${victim} | nftables | `)) killed = labKill(victim);
    });
    await killed;
  } finally {
    f = await traffic.stop();
    holdersAfter = await holders();
    // Whatever happened: the victim comes back and the pair converges.
    await labUp();
    again = await converge();
  }
  figure(t, 'first node killed mid-rollout', f);
  t.truthy(killed, `the victim started its rollout:\n${tail(r)}`);
  t.is(r.code, 4, tail(r));
  t.notRegex(r.stderr, /internal error/, 'a session lost between commands is a host lost, not a crash');
  // Where the kill lands decides who notices: the victim's own next command (its batch fails),
  // or, when it had sent its last one, the gate after its batch (at once: a lost session does
  // not come back within a run). Either way the run stops there, naming the victim unreachable.
  t.regex(r.stdout, new RegExp(`\\[STOPPED\\] gateways: (1 of 1 host\\(s\\) in batch 1 failed or were unreachable \\(${victim}\\)|gate after batch 1 failed: ${victim} after its changes: ${victim} is unreachable)`));
  t.is(recap(r.stdout, victim!)?.unreachable, 1, tail(r));
  t.deepEqual(recap(r.stdout, holder!), { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0 }, 'the holder was not touched');
  t.deepEqual(holdersAfter, [holder], 'the holder kept the VIPs');
  t.true(f.tcpSurvived, f.tcpDetail);
  t.is(again.code, 0, tail(again));
  t.is((await holders()).length, 1);
});
