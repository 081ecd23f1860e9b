// Maintenance windows (issue 18) on the lab, with traffic: the client pings the server through
// the VIPs at 100/s and keeps a TCP connection through the NAT while playbooks/maintenance.ts
// upgrades tsp-maint-probe 1.0 -> 1.1 on both gateways (built here, put into each gateway's
// offline repository; 1.1 asks for a reboot as Debian packages do) and reboots both, one at a
// time, the VIP holder last. The second test kills the second node during its boot.
import test from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labKill, labUp } from '../../src/lab/cli.ts';
import { running } from '../../src/lab/container.ts';
import { addToLabRepo, buildMaintProbe, MAINT_PROBE, removeFromLabRepo } from '../../src/lab/maint-probe.ts';
import { parseConntrackdStats } from '../../src/facts/conntrackd.ts';
import { LAB_INVENTORY, labExec, recap, tsplayLines, type CliResult } from '../helpers/cli.ts';
import { Traffic, type TrafficResult } from '../helpers/traffic.ts';
import { site } from '../helpers/pair.ts';

const GATEWAYS = ['gw1', 'gw2'];
const VIPS = ['198.18.1.1/24', '198.19.0.1/24'];
const WINDOW = ['playbooks/maintenance.ts', '-i', LAB_INVENTORY, '--limit', 'gateways', '-e', `maintenance_upgrade=${MAINT_PROBE}`, '-e', 'maintenance_cache_valid_time=0'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const tail = (r: CliResult) => r.stdout.slice(-4000) + r.stderr.slice(-2000);
const figure = (t: { log: (...a: unknown[]) => void }, what: string, f: TrafficResult) =>
  t.log(`${what}: ${f.missing} replies missing (target: at most 3 for the whole window), ${f.lost} of ${f.sent} pings lost by the steady-stream estimate (longest gap ${f.longestGapMs} ms; gaps ${f.gaps.join(', ') || 'none'}); TCP ${f.tcpSurvived ? 'survived' : 'LOST'} (${f.tcpDetail})`);

async function holders(): Promise<string[]> {
  const out: string[] = [];
  for (const gw of GATEWAYS) {
    const r = await labExec(gw, ['ip', '-o', '-4', 'addr', 'show']);
    if (VIPS.every((v) => r.stdout.includes(` ${v} `))) out.push(gw);
  }
  return out;
}

const on = async (gw: string, argv: string[]) => (await labExec(gw, argv)).stdout.trim();
const version = (gw: string) => on(gw, ['dpkg-query', '-W', '-f', '${Version}', MAINT_PROBE]);
const bootId = (gw: string) => on(gw, ['cat', '/proc/sys/kernel/random/boot_id']);

/** Both gateways at tsp-maint-probe 1.0 with 1.1 offered by their repositories, lists refreshed, no reboot pending. */
async function offerUpgrade(): Promise<void> {
  const out = mkdtempSync(join(tmpdir(), 'tsp-maint-'));
  const old = await buildMaintProbe('1.0', { rebootRequired: false, outDir: out });
  const next = await buildMaintProbe('1.1', { rebootRequired: true, outDir: out });
  for (const gw of GATEWAYS) {
    await removeFromLabRepo(gw);
    await addToLabRepo(gw, [old]);
    const r = await labExec(gw, ['sh', '-c', 'apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --allow-downgrades "$1=1.0" && rm -f /run/reboot-required /run/reboot-required.pkgs', 'sh', MAINT_PROBE]);
    if (r.code !== 0) throw new Error(`${gw}: installing ${MAINT_PROBE} 1.0 failed:\n${r.stderr}`);
    await addToLabRepo(gw, [next]);
    await labExec(gw, ['apt-get', 'update', '-q']);
  }
}

/** The pair as site.ts leaves it (the suite owns the lab: a failed converge is a failure, never retried). */
const converge = (): Promise<CliResult> => site([]);

/** conntrack sync current: the backup's external cache mirrors the master's internal one (the gates' margin). */
async function syncCurrent(master: string, backup: string): Promise<string | undefined> {
  const stats = async (gw: string) => parseConntrackdStats(await on(gw, ['conntrackd', '-C', '/etc/conntrackd/conntrackd.conf', '-s']));
  const [m, b] = [await stats(master), await stats(backup)];
  const want = m.internal ?? NaN;
  const have = b.external ?? NaN;
  const margin = Math.max(20, Math.ceil(want * 0.02));
  return Math.abs(want - have) <= margin ? undefined : `${backup}'s external cache ${have}, ${master}'s internal cache ${want} (margin ${margin})`;
}

test.before(async () => {
  await labUp();
  const r = await converge();
  if (r.code !== 0) throw new Error(`site.ts does not converge before the maintenance tests:\n${tail(r)}`);
});

test.after.always(async () => {
  for (const gw of GATEWAYS) {
    await labExec(gw, ['sh', '-c', 'DEBIAN_FRONTEND=noninteractive apt-get remove -y -q "$1"; rm -f /run/reboot-required /run/reboot-required.pkgs', 'sh', MAINT_PROBE]);
    await removeFromLabRepo(gw);
    await labExec(gw, ['apt-get', 'update', '-q']);
  }
});

test.serial('a window upgrades and reboots both gateways, the VIP holder last; the TCP flow survives; the preferred master ends MASTER with sync current', async (t) => {
  await offerUpgrade();
  const check = await tsplayLines([...WINDOW, '--check']);
  t.is(check.code, 0, tail(check));
  for (const gw of GATEWAYS) t.regex(check.stdout, new RegExp(`${gw} \\| maintenance \\| upgrade ${MAINT_PROBE} \\| would change \\| upgrade 1: ${MAINT_PROBE} 1\\.0 -> 1\\.1`));
  t.deepEqual(await Promise.all(GATEWAYS.map(version)), ['1.0', '1.0'], '--check changed nothing');

  const [holder] = await holders();
  t.is(holder, 'gw1', 'the preferred master holds the VIPs before the window');
  const boots = await Promise.all(GATEWAYS.map(bootId));
  const traffic = await Traffic.start();
  let r: CliResult;
  let f: TrafficResult;
  try {
    r = await tsplayLines(WINDOW);
  } finally {
    f = await traffic.stop();
  }
  figure(t, 'maintenance window (upgrade and reboot of both gateways)', f);
  t.is(r.code, 0, tail(r));
  t.regex(r.stdout, /rollout order gw2, gw1: gw1 holds the VIPs and goes last/);
  t.regex(r.stdout, /gw1 \| maintenance \| hand the VIPs to the peer \| changed \| VIPs 198\.18\.1\.1, 198\.19\.0\.1 handed to the peer/);
  for (const gw of GATEWAYS) {
    t.regex(r.stdout, new RegExp(`${gw} \\| maintenance \\| upgrade ${MAINT_PROBE} \\| changed \\| upgraded 1: ${MAINT_PROBE} 1\\.0 -> 1\\.1; reboot needed: /run/reboot-required`));
    t.regex(r.stdout, new RegExp(`${gw} \\| maintenance \\| reboot \\| changed \\| rebooted in `));
    t.true((recap(r.stdout, gw)?.failed ?? 1) === 0, `${gw} failed nothing`);
  }
  t.deepEqual(await Promise.all(GATEWAYS.map(version)), ['1.1', '1.1']);
  const after = await Promise.all(GATEWAYS.map(bootId));
  GATEWAYS.forEach((gw, i) => t.not(after[i], boots[i], `${gw} rebooted (new boot id)`));
  t.deepEqual(await holders(), ['gw1'], 'the preferred master holds the VIPs again');
  t.is(await on('gw1', ['sh', '-c', 'cat /run/ha-notify/group-*.state']), 'MASTER');
  t.is(await syncCurrent('gw1', 'gw2'), undefined);
  t.true(f.tcpSurvived, f.tcpDetail);
  // The replies missing are a figure (target: 3 for the whole window), not an assertion; what
  // is asserted is that the VIPs never went away long enough for a backup to notice.
  t.true(f.longestGapMs < 720, `longest gap ${f.longestGapMs} ms`);

  const again = await tsplayLines(WINDOW);
  t.is(again.code, 0, tail(again));
  for (const gw of GATEWAYS) t.is(recap(again.stdout, gw)?.failed, 0);
  t.regex(again.stdout, /gw1 \| maintenance \| take the node out, patch it, bring it back \| skipped \| nothing to upgrade and no reboot needed/);
});

test.serial('a window whose second node does not come back stops with the first serving, exit 2, and says how to resume', async (t) => {
  await offerUpgrade();
  const [second] = await holders();
  t.truthy(second, 'a node holds the VIPs');
  const first = second === 'gw1' ? 'gw2' : 'gw1';
  const traffic = await Traffic.start();
  let killing: Promise<string> | undefined;
  let r: CliResult;
  let f: TrafficResult;
  try {
    r = await tsplayLines([...WINDOW, '-e', 'maintenance_reboot_timeout=90'], (line) => {
      // The second node's upgrade is done and its reboot begins: kill it once it is booting again.
      if (killing || !line.startsWith(`${second} | maintenance | upgrade ${MAINT_PROBE} | changed`)) return;
      killing = (async () => {
        const before = (await running(second!))?.leader;
        const end = Date.now() + 150_000;
        while (Date.now() < end) {
          const now = (await running(second!))?.leader;
          if (now && now !== before) {
            await labKill(second!);
            return 'killed during its boot';
          }
          await sleep(50);
        }
        return 'never saw it boot';
      })();
    });
  } finally {
    f = await traffic.stop();
  }
  const holdersAfter = await holders();
  let resumed: CliResult | undefined;
  try {
    figure(t, 'window stopped at the second node', f);
    t.is(await killing, 'killed during its boot');
    t.is(r.code, 2, tail(r));
    const out = r.stdout + r.stderr;
    t.regex(out, new RegExp(`maintenance stopped at ${second} \\(role maintenance, task "reboot"\\): the host did not come back with a new boot within 90s of the reboot`));
    t.regex(out, new RegExp(`the pair is serving: ${first} holds the VIPs`));
    const resume = new RegExp(`to resume once ${second} is back and healthy \\(fix what stopped it first\\): (ts-play .* -e maintenance_done=${first})$`, 'm').exec(out);
    t.truthy(resume, 'the message gives the command that resumes');
    t.deepEqual(holdersAfter, [first], `${first} serves`);
    t.true(f.tcpSurvived, f.tcpDetail);

    // The node comes back (power on), and the command the message gave resumes the window.
    await labUp();
    const argv = resume![1]!.split(' ').slice(1);
    resumed = await tsplayLines(argv);
    t.is(resumed.code, 0, tail(resumed));
    t.regex(resumed.stdout, new RegExp(`${first} \\| maintenance \\| take the node out, patch it, bring it back \\| skipped \\| done in an earlier run of this window`));
  } finally {
    await labUp();
    const again = await converge();
    t.is(again.code, 0, tail(again));
  }
});
