// Issue 14 on the lab (the lead runs it): ts-play killed with SIGKILL at several points of a
// rollout of the pair under traffic. Asserted for each point: the VIPs stayed up (no more than
// 1 s without an answer), nothing ts-play started on a gateway outlived it by more than a few
// seconds, every managed file that is live is byte for byte the old or the new version (nothing
// truncated went live; a guarded ruleset or sshd drop-in reverts by itself when the kill came
// between activation and confirmation), forwarding is not held on the VIP holder, the killed
// run's lock expires, and a re-run converges (then a --check finds nothing to change).
import test from 'ava';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labUp } from '../../src/lab/cli.ts';
import { LAB_INVENTORY, labExec, recap, SKIP_AUDIT, tsplay } from '../helpers/cli.ts';
import { Traffic, type TrafficResult } from '../helpers/traffic.ts';
import { GATEWAYS, holders, leftovers, startSite, tail } from '../helpers/lab-site.ts';

const CHANGE = ['-e', 'keepalived_garp_master_refresh=62', '-e', 'conntrackd_ack_window=302', '-e', 'nftables_icmp_rate=14'];
/** Short, so the test waits the killed run's lock out rather than breaking it. */
const LOCK_TTL = 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Files a rollout writes on a gateway whose content the change alters or that a kill could cut. */
const FILES = ['/etc/keepalived/keepalived.conf', '/etc/conntrackd/conntrackd.conf', '/etc/nftables.conf', '/etc/keepalived/ha-notify.conf', '/etc/ha-check.conf', '/etc/ha-textfile.conf', '/usr/local/sbin/ha-hold', '/etc/ssh/sshd_config.d/50-hardening.conf'];

/** What each gateway would get, with the inventory's values and with the change. */
async function renders(): Promise<Record<string, { before: string; after: string }>> {
  const out: Record<string, { before: string; after: string }> = {};
  for (const gw of GATEWAYS) {
    const before = mkdtempSync(join(tmpdir(), `tsp-crash-${gw}-before-`));
    const after = mkdtempSync(join(tmpdir(), `tsp-crash-${gw}-after-`));
    for (const [dir, extra] of [[before, []], [after, CHANGE]] as const) {
      const r = await tsplay(['render', 'playbooks/site.ts', '-i', LAB_INVENTORY, '--host', gw, '--out', dir, ...extra]);
      if (r.code !== 0) throw new Error(`render ${gw}: ${r.stderr}`);
    }
    for (const f of FILES) out[`${gw}:${f}`] = { before: readFileSync(join(before, f), 'utf8'), after: readFileSync(join(after, f), 'utf8') };
  }
  return out;
}

interface KillPoint {
  what: string;
  /** The line after which the kill comes, and how long after it. */
  when: (line: string, firstNode: string, holder: string) => boolean;
  delayMs: number;
  /** The kill comes during a lynis audit: the runs keep the audit (see runsFor). */
  audit?: boolean;
}

const POINTS: KillPoint[] = [
  { what: 'file writes (keepalived role starting on the first node)', when: (l, first) => l === `${first} | keepalived | role start`, delayMs: 300 },
  { what: 'a guarded ruleset activation (nftables role on the first node)', when: (l, first) => l === `${first} | nftables | role start`, delayMs: 800 },
  { what: 'a handler (keepalived reload on the first node)', when: (l, first) => l.startsWith(`${first} | keepalived | file /etc/keepalived/keepalived.conf`) && l.includes('| changed'), delayMs: 200 },
  { what: 'a handover (conntrackd restart on the VIP holder: keepalived stopped)', when: (l, _f, holder) => l.startsWith(`${holder} | conntrackd | file /etc/conntrackd/conntrackd.conf`) && l.includes('| changed'), delayMs: 4000 },
  { what: 'a lynis audit (hardening on the first node)', when: (l, first) => l === `${first} | hardening | role start`, delayMs: 15_000, audit: true },
];

let expected: Record<string, { before: string; after: string }>;

/**
 * The runs of one kill point. The lynis audits (SKIP_AUDIT) run only where the point is the audit:
 * there the killed run and its re-run include them, which proves an interrupted audit is redone.
 */
const runsFor = (point: KillPoint) => (args: string[], onLine?: Parameters<typeof startSite>[1], env?: NodeJS.ProcessEnv) =>
  startSite(point.audit ? args : [...args, ...SKIP_AUDIT], onLine, env);
const noAudit = (args: string[]) => startSite([...args, ...SKIP_AUDIT]);

test.before(async () => {
  await labUp();
  const r = await noAudit([]).done;
  if (r.code !== 0) throw new Error(`site.ts does not converge before the crash tests:\n${tail(r)}`);
  expected = await renders();
});

for (const point of POINTS) {
  test.serial(`killed during ${point.what}: VIPs up, nothing left running, nothing cut live, a re-run converges`, async (t) => {
    const [holder] = await holders();
    t.truthy(holder, 'a node holds the VIPs');
    const first = holder === 'gw1' ? 'gw2' : 'gw1';
    const traffic = await Traffic.start();
    let killedAt = 0;
    let f: TrafficResult | undefined;
    let rerun;
    const start = runsFor(point);
    try {
      const run = start(['-v', ...CHANGE], (line, r) => {
        if (!killedAt && point.when(line, first, holder!)) {
          killedAt = Date.now() + point.delayMs;
          setTimeout(() => r.child.kill('SIGKILL'), point.delayMs);
        }
      }, { TSPLAY_LOCK_TTL: String(LOCK_TTL) });
      const killed = await run.done;
      t.true(killedAt > 0, `the kill point was reached:\n${tail(killed)}`);
      t.is(killed.code, 137);
      // Commands end when their session does: TERM at once, KILL 3 s later.
      await sleep(8000);
      for (const gw of GATEWAYS) t.deepEqual(await leftovers(gw), [], `${gw}: what the killed run started is still running`);
      // A guarded change armed before the kill reverts 30 s after its activation.
      await sleep(Math.max(0, killedAt + 40_000 - Date.now()));
      for (const gw of GATEWAYS) {
        for (const file of FILES) {
          const live = (await labExec(gw, ['cat', file])).stdout;
          const want = expected[`${gw}:${file}`]!;
          t.true(live === want.before || live === want.after, `${gw}:${file} is neither the old nor the new version (${live.length} bytes; old ${want.before.length}, new ${want.after.length})`);
        }
      }
      t.is((await holders()).length, 1, 'one node holds the VIPs');
      const [h] = await holders();
      t.is((await labExec(h!, ['/usr/local/sbin/ha-hold', 'status'])).stdout.trim(), 'off', 'forwarding is not held on the VIP holder');
      // The killed run's lock has expired by now (TTL 20 s, 40 s waited): the re-run takes over.
      rerun = await start(CHANGE).done;
    } finally {
      f = await traffic.stop();
    }
    t.log(`${point.what}: longest gap ${f.longestGapMs} ms, ${f.missing} replies missing of ${f.sent}; TCP ${f.tcpSurvived ? 'survived' : 'LOST'} (${f.tcpDetail})`);
    t.true(f.longestGapMs <= 1000, `no answer through the VIPs for ${f.longestGapMs} ms`);
    t.is(rerun!.code, 0, tail(rerun!));
    t.regex(rerun!.stdout, /took over a lock that was expired: \S+ is locked by/);
    const back = await noAudit([]).done;
    t.is(back.code, 0, tail(back));
    const check = await noAudit(['--check']).done;
    t.is(check.code, 0, tail(check));
    for (const gw of GATEWAYS) t.is(recap(check.stdout, gw)?.changed, 0, `${gw} converged`);
  });
}
