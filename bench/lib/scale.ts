/**
 * The scale runs (issue 19): the light play's no-change run on 50, 200 and 500 light hosts, each
 * round next to the SSH floor measured on the same hosts, with what ts-play's own process spent
 * (CPU, peak memory). ts-play runs with --forks F and the floor opens at most F connections at
 * a time: the same parallelism on both sides. F defaults to 50: on this 2-core lab, where every
 * host's sshd shares the control machine's CPU, 500 sessions at once (ts-play's or OpenSSH's)
 * drive the load average past 800 and time out handshakes; see docs/lab.md.
 */
import { costPerHostChart } from './chart.ts';
import { median, secs } from './stats.ts';
import { problem, tsplay } from './tools.ts';
import { clientFloor, LIGHT_INVENTORY, lightAddresses, lightHosts, lightInventoryCount, sshFloor } from './lab.ts';
import type { Results, ScaleRound } from './results.ts';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

function memAvailableMiB(): number {
  const kib = /^MemAvailable:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1];
  return Number(kib ?? 0) / 1024;
}

function netnsCount(): number {
  return spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).length;
}

/** ts-play's no-change run within this many times the SSH floor, at every size (issue 19). */
export const SCALE_TARGET = 1.3;

export async function benchScale(res: Results, sizes: number[], runs: number, log: (m: string) => void, forks = 50): Promise<void> {
  res.command(`ts-play bench/light.ts -i .lab/light.yml -v -f ${forks}   (on 50, 200 and 500 light hosts; no-change runs; the SSH floor at most ${forks} connections at a time)`);
  try {
    for (const n of sizes) {
      log(`scale: ${n} light hosts`);
      // The lab's own cost of this size, from no light hosts: what `lab up --light N` takes.
      await lightHosts(0);
      const memBefore = memAvailableMiB();
      const t0 = process.hrtime.bigint();
      await lightHosts(n);
      const lab = { labUpS: Number(process.hrtime.bigint() - t0) / 1e9, labMemMiB: memBefore - memAvailableMiB(), netns: netnsCount() };
      log(`  lab: up --light ${n} in ${secs(lab.labUpS)}, ${lab.labMemMiB.toFixed(0)} MiB of MemAvailable, ${lab.netns} network namespaces`);
      if (lightInventoryCount() !== n) throw new Error(`.lab/light.yml lists ${lightInventoryCount()} hosts, not ${n}`);
      const f = String(Math.min(forks, n));
      const converge = await tsplay('bench/light.ts', LIGHT_INVENTORY, ['-f', f]);
      if (converge.code !== 0) throw new Error(`converging ${n} light hosts failed (exit ${converge.code}):\n${converge.stdout.slice(-3000)}`);
      const addresses = lightAddresses(n);
      for (let i = 0; i < runs; i++) {
        const floorS = await sshFloor(addresses, Number(f));
        const clientFloorS = await clientFloor(addresses, Number(f));
        const r = await tsplay('bench/light.ts', LIGHT_INVENTORY, ['-f', f]);
        const bad = problem(r, { hosts: n, noChange: true });
        if (bad) throw new Error(`scale ${n}: ts-play ${bad}\n${r.stdout.slice(-3000)}${r.stderr.slice(-2000)}`);
        const trips = [...r.recap.values()].map((h) => h.roundtrips).filter((x): x is number => x !== undefined);
        const round: ScaleRound = {
          hosts: n, floorS, clientFloorS, tsplayS: r.seconds, ...(i === 0 ? lab : {}),
          ...(r.usage ? { cpuS: r.usage.userCpuS + r.usage.systemCpuS, maxRssMiB: r.usage.maxRssMiB } : {}),
          ...(trips.length ? { roundtrips: median(trips) } : {}),
        };
        res.scale.push(round);
        log(`  scale / ${n} hosts: floor ${secs(floorS)}, ssh2 floor ${secs(clientFloorS)}, ts-play ${secs(r.seconds)}${round.cpuS !== undefined ? `, ${round.cpuS.toFixed(2)} s CPU, ${round.maxRssMiB!.toFixed(0)} MiB peak` : ''}`);
      }
    }
  } finally {
    await lightHosts(0);
  }
}

interface Row { hosts: number; floor: number; client?: number; ts: number; cpu?: number; rss?: number; trips?: number; runs: number }

function rows(scale: ScaleRound[]): Row[] {
  const sizes = [...new Set(scale.map((r) => r.hosts))].sort((a, b) => a - b);
  return sizes.map((hosts) => {
    const of = scale.filter((r) => r.hosts === hosts);
    const m = (xs: Array<number | undefined>) => {
      const v = xs.filter((x): x is number => x !== undefined);
      return v.length ? median(v) : undefined;
    };
    const cpu = m(of.map((r) => r.cpuS));
    const rss = m(of.map((r) => r.maxRssMiB));
    const trips = m(of.map((r) => r.roundtrips));
    const client = m(of.map((r) => r.clientFloorS));
    return {
      hosts, runs: of.length, floor: median(of.map((r) => r.floorS)), ts: median(of.map((r) => r.tsplayS)),
      ...(client !== undefined ? { client } : {}), ...(cpu !== undefined ? { cpu } : {}), ...(rss !== undefined ? { rss } : {}), ...(trips !== undefined ? { trips } : {}),
    };
  });
}

const ms = (s: number, n: number) => `${((s / n) * 1000).toFixed(1)} ms`;

/** The scale section of docs/benchmarks.md: one row per size, then how the cost per host grows. */
export function scaleSection(scale: ScaleRound[]): string[] {
  const rs = rows(scale);
  if (rs.length === 0) return ['(not run: `npm run bench -- --only scale`)'];
  const out = [
    '| light hosts | runs | SSH floor (OpenSSH) | ssh2 floor (in process) | ts-play | ts-play ÷ floor | ts-play ÷ ssh2 floor | wall time per host (ts-play / floor) | ts-play CPU | CPU per host | ts-play peak memory | round trips/host |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rs) {
    out.push(`| ${r.hosts} | ${r.runs} | ${secs(r.floor)} | ${r.client !== undefined ? secs(r.client) : '-'} | ${secs(r.ts)} | ${(r.ts / r.floor).toFixed(2)}x | ${r.client !== undefined ? `${(r.ts / r.client).toFixed(2)}x` : '-'} | ${ms(r.ts, r.hosts)} / ${ms(r.floor, r.hosts)} | ${r.cpu !== undefined ? secs(r.cpu) : '-'} | ${r.cpu !== undefined ? ms(r.cpu, r.hosts) : '-'} | ${r.rss !== undefined ? `${r.rss.toFixed(0)} MiB` : '-'} | ${r.trips ?? '-'} |`);
  }
  const [a, b] = [rs[0]!, rs.at(-1)!];
  if (rs.length > 1) {
    const span = b.hosts - a.hosts;
    const grow = (x: number, y: number) => `${(((y - x) / span) * 1000).toFixed(1)} ms`;
    out.push('', `From ${a.hosts} to ${b.hosts} hosts each further host cost ts-play ${grow(a.ts, b.ts)} of wall time (the floor ${grow(a.floor, b.floor)})` +
      `${a.cpu !== undefined && b.cpu !== undefined ? `, ${grow(a.cpu, b.cpu)} of CPU` : ''}` +
      `${a.rss !== undefined && b.rss !== undefined ? ` and ${(((b.rss - a.rss) / span) * 1024).toFixed(0)} KiB of peak memory` : ''}.`);
  }
  out.push('', '![wall time per host against host count](benchmarks-scale.svg)');
  const labs = scale.filter((r) => r.labUpS !== undefined);
  if (labs.length) {
    out.push('', 'The lab at each size (from no light hosts; MemAvailable of the whole machine before and after, so the light hosts\' systemd-free sshd and the namespaces):', '',
      '| light hosts | `lab up --light N` | MemAvailable used | per host | network namespaces |', '|---|---|---|---|---|');
    for (const r of labs) out.push(`| ${r.hosts} | ${secs(r.labUpS!)} | ${r.labMemMiB!.toFixed(0)} MiB | ${((r.labMemMiB! / r.hosts) * 1).toFixed(1)} MiB | ${r.netns} |`);
  }
  return out;
}

export function scaleTargets(scale: ScaleRound[]): string[] {
  return rows(scale).map((r) => {
    const x = r.ts / r.floor;
    const line = `- No-change run on ${r.hosts} light hosts, ts-play within ${SCALE_TARGET}x of the SSH floor measured in the same round: ${x <= SCALE_TARGET ? 'MET' : 'MISSED'} (${x.toFixed(2)}x: floor ${secs(r.floor)}, ts-play ${secs(r.ts)}).`;
    if (r.client === undefined) return line;
    // OpenSSH's floor forks a client per host; the stricter floor is ts-play's own library's.
    const y = r.ts / r.client;
    return `${line}\n  Against the ssh2 floor (ts-play's SSH library in one process, ${secs(r.client)}): ${y.toFixed(2)}x, ${y <= SCALE_TARGET ? 'within' : 'beyond'} ${SCALE_TARGET}x.`;
  });
}

/** The chart of the scale section (docs/benchmarks-scale.svg). */
export function scaleChart(scale: ScaleRound[]): string | undefined {
  const rs = rows(scale);
  return rs.length ? costPerHostChart(rs.map((r) => ({ hosts: r.hosts, tsplayS: r.ts, floorS: r.floor, ...(r.client !== undefined ? { clientFloorS: r.client } : {}), ...(r.cpu !== undefined ? { cpuS: r.cpu } : {}) }))) : undefined;
}
