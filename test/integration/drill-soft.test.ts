import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SKIP_AUDIT } from '../helpers/cli.ts';

const root = join(import.meta.dirname, '../..');
const bin = join(root, 'bin/ts-play.js');
const run = (args: string[], timeoutMs: number) =>
  spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', timeout: timeoutMs });

// The drill drives the lab's gateways: they must run the roles first (site.ts is idempotent).
test.before(() => {
  // Without the lynis audits (SKIP_AUDIT): the drill needs nothing they measure.
  const r = run([bin, 'playbooks/site.ts', '-i', 'inventory/lab.yml', ...SKIP_AUDIT], 10 * 60_000);
  if (r.status !== 0) throw new Error(`site.ts did not converge the lab (exit ${r.status}):\n${(r.stdout + r.stderr).slice(-2000)}`);
});

test('soft failover drill: the VIPs move to the backup and back, the report is written with numeric figures', (t) => {
  const out = mkdtempSync(join(tmpdir(), 'drill-soft-'));
  try {
    // Run through the module's own entry point: the same drillCommand the CLI dispatches to.
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/drill/cli.ts'), 'playbooks/drill.ts', '-i', 'inventory/lab.yml', '--scenario', 'soft', '--out', out],
      { cwd: root, encoding: 'utf8', timeout: 4 * 60_000 });
    t.is(r.status, 0, r.stderr);
    for (const f of ['report.md', 'results.json', 'soft-1-ping-gap.svg', 'soft-1-vip-owner.svg', 'soft-1-sync-parity.svg']) {
      t.true(existsSync(join(out, f)), `${f} written`);
    }
    const res = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as {
      scenarios: { name: string; ok: boolean; metrics: Record<string, number>; switches: { to: string; vipMoveMs?: number; restoredMs?: number; lost: number; holdMs?: number; udpLost?: number }[] }[];
    };
    const soft = res.scenarios.find((s) => s.name === 'soft')!;
    t.true(soft.ok);
    t.deepEqual(soft.switches.map((s) => s.to), ['gw2', 'gw1'], 'moved to gw2, then back to gw1');
    for (const s of soft.switches) {
      t.is(typeof s.vipMoveMs, 'number');
      t.true(Number.isFinite(s.vipMoveMs!) && s.vipMoveMs! >= 0);
      t.true(Number.isInteger(s.lost) && s.lost >= 0);
      // The new master's resident ha-notify said when it released (journal), and the 1000 pps
      // stream placed the switch's outage: both are figures, present whatever their size.
      t.true(Number.isFinite(s.holdMs) && s.holdMs! >= 0, `holdMs ${s.holdMs}`);
      t.true(Number.isInteger(s.udpLost) && s.udpLost! >= 0, `udpLost ${s.udpLost}`);
    }
    for (const k of ['vipMoveMs', 'pingLost', 'pingLongestGapMs', 'tcpResets', 'udpLossPct', 'syncParityPct']) {
      t.is(typeof soft.metrics[k], 'number', k);
      t.true(Number.isFinite(soft.metrics[k]), k);
    }
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    t.regex(md, /\| soft \| VIP move time \| [\d.]+ ms \|/);
    t.true(readdirSync(out).filter((f) => f.endsWith('.svg')).every((f) => readFileSync(join(out, f), 'utf8').trim().endsWith('</svg>')));
    // keepalived's fifo reader is the resident Python one on both nodes, and each takeover was
    // released by it, through libnftables, not by a forked ha-hold.
    for (const gw of ['gw1', 'gw2']) {
      const ps = run([bin, 'lab', 'exec', gw, '--', 'sh', '-c', 'ps -o args= -C ha-notify'], 30_000);
      t.regex(ps.stdout, /^\/usr\/bin\/python3 \/usr\/local\/sbin\/ha-notify \/run\/keepalived-ha-notify\.fifo$/m, `${gw}: ${ps.stdout}${ps.stderr}`);
      const j = run([bin, 'lab', 'exec', gw, '--', 'journalctl', '-o', 'cat', '--no-pager', '-t', 'ha-notify', '-t', 'ha-hold', '-n', '200'], 30_000);
      t.regex(j.stdout, /^forwarding released at \d+\.\d{6} \(\d+\.\d ms after the MASTER line\)$/m, `${gw}: no release by ha-notify`);
      t.notRegex(j.stdout, /libnftables unavailable/, `${gw}: ha-notify fell back to forking ha-hold`);
    }
    // The lab is left converged: the preferred master holds both VIPs again.
    const st = run([bin, 'lab', 'status', '--json'], 30_000);
    const status = JSON.parse(st.stdout) as { lanVip?: string; wanVip?: string };
    t.is(status.lanVip, 'gw1');
    t.is(status.wanVip, 'gw1');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
