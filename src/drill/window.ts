import { type HostExec, agentScript, lastJson, sleep } from './exec.ts';
import { type PingResult, parsePing, pingArgv } from './probes/ping.ts';
import { type EchoResult, type IperfResult, type UdpReceiver, type UdpResult, iperfArgv, parseIperf, udpResult } from './probes/streams.ts';
import { type CtdStats, parseCount, parseCtdStats } from './probes/conntrack.ts';
import type { VipEvent } from './probes/vip.ts';
import { VipWatcher } from './probes/vip-watch.ts';
import { RouteWatcher, type RouteEvent } from './probes/route-watch.ts';
import type { DrillTarget } from './target.ts';

export interface ProbeSet {
  ping?: boolean;
  iperf?: boolean;
  echo?: boolean;
  udp?: boolean;
  parity?: boolean;
}

export interface ParitySample {
  t: number;
  /** Per gateway: kernel table size and conntrackd cache sizes (absent when it did not answer). */
  hosts: Record<string, { kernel?: number } & CtdStats>;
}

export interface Measured {
  startMs: number;
  endMs: number;
  /** Fault injections inside the window: when and what. */
  faults: { t: number; what: string }[];
  ping?: PingResult;
  iperf?: IperfResult;
  echo?: EchoResult;
  udp?: UdpResult;
  vipEvents: VipEvent[];
  /** bgp mode: where the router in front of the server sent the shared IP, over the window. */
  routeEvents?: RouteEvent[];
  parity: ParitySample[];
  /** Probe failures (an agent that did not start, a busy iperf3 server...). */
  probeErrors: string[];
}

export interface DrillContext {
  target: DrillTarget;
  exec: HostExec;
  log: (msg: string) => void;
}

export const PORTS = { udp: 5301, echo: 7001, stress: 7002 } as const;
/** The UDP stream's rate: one datagram a millisecond times an outage to the millisecond. */
export const UDP_PPS = 1000;

export async function sampleParity(ctx: DrillContext): Promise<ParitySample> {
  const { target: tg, exec } = ctx;
  const t = Date.now();
  const hosts: ParitySample['hosts'] = {};
  await Promise.all([tg.master, tg.backup].map(async (h) => {
    const [k, s] = await Promise.all([
      exec(h, ['conntrack', '-C'], 5),
      exec(h, ['conntrackd', '-C', tg.conntrackdConfig, '-s'], 5),
    ]);
    const kernel = k.code === 0 ? parseCount(k.stdout) : undefined;
    hosts[h] = { ...(kernel !== undefined ? { kernel } : {}), ...(s.code === 0 ? parseCtdStats(s.stdout) : {}) };
  }));
  return { t, hosts };
}

/**
 * Runs the probes for `seconds` while `body` injects faults. Every probe is
 * bounded in the host (`timeout`), so the window ends even if a probe hangs.
 */
export async function measure(ctx: DrillContext, seconds: number, probes: ProbeSet, body: (fault: (what: string) => void) => Promise<void>): Promise<Measured> {
  const { target: tg, exec } = ctx;
  const errors: string[] = [];
  const faults: Measured['faults'] = [];
  const watcher = new VipWatcher([tg.master, tg.backup], tg.vips, tg.nsOf);
  await watcher.start();
  const routes = tg.bgp ? new RouteWatcher(tg.nsOf(tg.bgp.router), tg.bgp.prefix, tg.bgp.gateways) : undefined;
  await routes?.start();
  const server = agentScript('server');
  const client = agentScript('client');
  const bound = seconds + 8;
  const running: Promise<void>[] = [];
  let ping: PingResult | undefined;
  let iperf: IperfResult | undefined;
  let echo: EchoResult | undefined;
  let udp: UdpResult | undefined;

  const serverSide: Promise<unknown>[] = [];
  let udpRecv: Promise<UdpReceiver | undefined> | undefined;
  if (probes.udp) {
    udpRecv = exec(tg.server, ['python3', '-c', server, 'udp-recv', String(PORTS.udp), String(seconds + 3)], bound)
      .then((r) => lastJson(r.stdout));
    serverSide.push(udpRecv);
  }
  if (probes.echo) serverSide.push(exec(tg.server, ['python3', '-c', server, 'tcp-echo', String(PORTS.echo), String(seconds + 3)], bound));
  if (serverSide.length) await sleep(600);

  const startMs = Date.now();
  if (probes.ping) {
    running.push(exec(tg.client, pingArgv(tg.serverAddr, seconds), bound).then((r) => {
      ping = parsePing(r.stdout);
      if (ping.sent === 0) errors.push(`ping: no output (exit ${r.code}) ${r.stderr.trim().slice(-200)}`);
    }));
  }
  if (probes.iperf) {
    running.push(exec(tg.client, iperfArgv(tg.serverAddr, Math.max(1, Math.floor(seconds))), bound).then((r) => {
      iperf = parseIperf(r.stdout);
      if (iperf.error && /busy/i.test(iperf.error)) errors.push(`iperf3: ${iperf.error} (another drill or test is using the server)`);
    }));
  }
  if (probes.echo) {
    running.push(exec(tg.client, ['python3', '-c', client, 'echo', tg.serverAddr, String(PORTS.echo), String(seconds), '100'], bound).then((r) => {
      echo = lastJson<EchoResult>(r.stdout);
      if (!echo) errors.push(`echo session: no result (exit ${r.code}) ${r.stderr.trim().slice(-200)}`);
    }));
  }
  if (probes.udp) {
    running.push(exec(tg.client, ['python3', '-c', client, 'udp-send', tg.serverAddr, String(PORTS.udp), String(UDP_PPS), String(seconds)], bound).then(async (r) => {
      udp = udpResult(lastJson(r.stdout), await udpRecv, UDP_PPS);
      if (!udp) errors.push(`udp: no result (exit ${r.code}) ${r.stderr.trim().slice(-200)}`);
    }));
  }
  const parity: ParitySample[] = [];
  let sampling = Boolean(probes.parity);
  const sampler = (async () => {
    while (sampling) {
      parity.push(await sampleParity(ctx));
      await sleep(700);
    }
  })();

  try {
    await body((what) => faults.push({ t: Date.now(), what }));
  } finally {
    await Promise.all(running);
    await Promise.all(serverSide);
    sampling = false;
    await sampler;
  }
  const endMs = Date.now();
  await sleep(200);
  const vipEvents = watcher.stop();
  const routeEvents = routes?.stop();
  return {
    startMs, endMs, faults, vipEvents, parity, probeErrors: errors, ...(routeEvents ? { routeEvents } : {}),
    ...(ping ? { ping } : {}), ...(iperf ? { iperf } : {}), ...(echo ? { echo } : {}), ...(udp ? { udp } : {}),
  };
}
