import { existsSync, readdirSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import pLimit from 'p-limit';
import { withLabLock } from './lock.ts';
import { readPulled, withCable, writePulled } from './cables.ts';
import {
  execIn, killContainer, running, sshAnswers, startContainer, waitNewLeader, waitSsh,
} from './container.ts';
import { ensureImage } from './image.ts';
import { capacity, machineLimits } from './capacity.ts';
import { writeInventories } from './inventory.ts';
import { ensureMachinePackages, requireRoot } from './machine.ts';
import {
  ensureFabric, ensureHostNet, ensureMgmtBridge, hostAddrs, nsExists, removeAllNet, resetHostNet, setCable,
} from './netns.ts';
import { ensureOverlay, removeOverlay } from './overlay.ts';
import { BASTION_MARK, LIGHT_INVENTORY, RUN_DIR, STATE_DIR, logFile } from './paths.ts';
import { LabError, must, run } from './run.ts';
import { ensureClientKey, knownHostsLine, writeKnownHosts } from './ssh-keys.ts';
import {
  type HostSpec, type Iface, LAB, findHost, ifaces, labHosts, lightHost, mgmtIp, mgmtPeer, nsName,
} from './topology.ts';

/** Bastion mode lasts from `up --bastion` to `down`. */
export function bastionMode(): boolean {
  return existsSync(BASTION_MARK);
}

export interface UpOptions {
  /** Bastion mode: a bastion host and the gateways' second management segment behind it (topology.ts BASTION). */
  bastion?: boolean;
  /** Exactly this many light nodes (extra ones are removed); unset keeps the light nodes there are. */
  light?: number;
  log?: (msg: string) => void;
  /** Containers booting at once; more would make sshd miss its 10 s on two cores. */
  concurrency?: number;
}

/** Hosts with a pid file or an overlay: what the lab has made, whatever the topology says. */
function presentHosts(): string[] {
  const names = new Set<string>();
  for (const dir of [STATE_DIR, RUN_DIR]) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) {
      const n = f.replace(/\.(pid|log)$/, '');
      if (findHost(n, bastionMode())) names.add(n);
    }
  }
  return [...names];
}

function hostOrThrow(name: string): HostSpec {
  const h = findHost(name, bastionMode());
  if (!h) throw new LabError(`unknown lab host ${JSON.stringify(name)} (hosts: ${LAB.hosts.map((x) => x.name).join(', ')}, node01..node${LAB.maxLight})`);
  return h;
}

/** Boots a host that is not running, from a fresh network stack, and waits for its sshd. */
async function boot(h: HostSpec, base: string, pub: string, pulled: Iface[]): Promise<string> {
  await killContainer(h.name);
  await resetHostNet(h, pulled);
  const hostKey = await ensureOverlay(h, base, pub);
  const t0 = Date.now();
  await startContainer(h.name, h.light);
  await waitSsh(h, t0);
  return hostKey;
}

async function upHost(h: HostSpec, base: string, pub: string): Promise<string> {
  const r = await running(h.name);
  if (r?.leader && (await sshAnswers(mgmtIp(h)))) {
    // Healthy: only repair missing cables or addresses, never restart it.
    await ensureHostNet(h);
    return ensureOverlay(h, base, pub);
  }
  return boot(h, base, pub, []);
}

async function labUpLocked(opts: UpOptions = {}): Promise<HostSpec[]> {
  const log = opts.log ?? (() => {});
  requireRoot();
  if (opts.light !== undefined && (!Number.isInteger(opts.light) || opts.light < 0 || opts.light > LAB.maxLight)) {
    throw new LabError(`--light takes a number of nodes from 0 to ${LAB.maxLight}`);
  }
  await ensureMachinePackages(log);
  const base = await ensureImage(log);
  const pub = await ensureClientKey();
  await ensureMgmtBridge();
  await ensureFabric();
  const presentLight = presentHosts().map((n) => findHost(n, bastionMode())!).filter((h) => h.light);
  const light = opts.light ?? presentLight.reduce((m, h) => Math.max(m, Number(h.name.slice(4))), 0);
  const bastion = opts.bastion || bastionMode();
  if (bastion) {
    await mkdir(RUN_DIR, { recursive: true });
    await writeFile(BASTION_MARK, 'up --bastion\n');
  }
  const hosts = labHosts(light, bastion);
  const fits = capacity(hosts.filter((h) => h.light && !presentLight.some((p) => p.name === h.name)).length, hosts.length, machineLimits());
  if (fits.refuse.length) throw new LabError(`cannot bring up ${light} light hosts: ${fits.refuse.join('; ')}`);
  for (const w of fits.warn) log(`warning: ${w}`);
  for (const h of presentLight) {
    if (!hosts.some((x) => x.name === h.name)) await removeHost(h.name);
  }
  // `up` replugs every cable.
  await writePulled({});
  const limit = pLimit(opts.concurrency ?? 4);
  const keys = await Promise.all(hosts.map((h) => limit(() => upHost(h, base, pub))));
  await writeKnownHosts(hosts.map((h, i) => knownHostsLine(h, keys[i]!)));
  await writeInventories(hosts);
  return hosts;
}

async function removeHost(name: string): Promise<void> {
  await killContainer(name);
  await removeOverlay(name);
  await rm(logFile(name), { force: true });
  if (nsExists(nsName(name))) await must(['ip', 'netns', 'del', nsName(name)]);
  await run(['ip', 'link', 'del', mgmtPeer(name)]);
}

/** Removes every process, overlay, namespace, link and run file the lab made; keeps the image cache. */
async function labDownLocked(): Promise<void> {
  requireRoot();
  for (const name of presentHosts()) await killContainer(name);
  for (const name of presentHosts()) await removeOverlay(name);
  await removeAllNet();
  await rm(RUN_DIR, { recursive: true, force: true });
  await rm(STATE_DIR, { recursive: true, force: true });
  await rm(LIGHT_INVENTORY, { force: true });
}

export async function labExec(host: string, argv: string[], stdio: 'inherit' | 'pipe' = 'inherit') {
  requireRoot();
  hostOrThrow(host);
  if (argv.length === 0) throw new LabError('exec needs a command: lab exec HOST -- CMD...');
  return execIn(host, argv, stdio);
}

/** A real reboot: the host's systemd shuts down and boots again on its persistent overlay. */
async function labRebootLocked(host: string): Promise<void> {
  requireRoot();
  const h = hostOrThrow(host);
  const r = await running(host);
  // A light host has no systemd to reboot it: it is power-cycled instead.
  if (!r?.leader || h.light) {
    await boot(h, await ensureImage(), await ensureClientKey(), (await readPulled())[host] ?? []);
    return;
  }
  await execIn(host, ['systemctl', 'reboot'], 'pipe');
  // Generous: a unit that hangs on stop holds a real shutdown for its 90 s stop timeout too.
  await waitNewLeader(host, r.leader, LAB.rebootTimeoutMs);
  await waitSsh(h, Date.now());
}

/** Pulls (down) or replugs (up) the cable of a host's interface: the host sees NO-CARRIER. */
async function labLinkLocked(host: string, iface: string, up: boolean): Promise<void> {
  requireRoot();
  const h = hostOrThrow(host);
  const i = ifaces(h).find((x) => x === iface);
  if (!i) throw new LabError(`${host} has no interface ${JSON.stringify(iface)} (it has ${ifaces(h).join(', ')})`);
  await setCable(host, i, up);
  await writePulled(withCable(await readPulled(), host, i, up));
}

/** Power loss: the container dies at once and its cables go dark until `reboot` or `up`. */
async function labKillLocked(host: string): Promise<void> {
  requireRoot();
  const h = hostOrThrow(host);
  await killContainer(host);
  for (const i of ifaces(h)) await setCable(host, i, false).catch(() => {});
}

export interface HostStatus {
  name: string;
  mgmt: string;
  running: boolean;
  ssh: boolean;
  addrs: Record<string, string[]>;
}

export interface LabStatus {
  hosts: HostStatus[];
  /** Which gateway holds each VIP (undefined: nobody). */
  lanVip?: string;
  wanVip?: string;
}

export async function labStatus(): Promise<LabStatus> {
  requireRoot();
  const names = new Set([...LAB.hosts.map((h) => h.name), ...presentHosts()]);
  const hosts: HostStatus[] = [];
  for (const name of names) {
    const h = findHost(name, bastionMode()) ?? lightHost(1);
    const r = await running(name);
    const ssh = r ? await sshAnswers(mgmtIp(h), 500) : false;
    hosts.push({ name, mgmt: mgmtIp(h), running: Boolean(r?.leader), ssh, addrs: await hostAddrs(name) });
  }
  const holder = (vip: string): string | undefined =>
    hosts.filter((s) => s.name === 'gw1' || s.name === 'gw2')
      .find((s) => Object.values(s.addrs).flat().some((a) => a.split('/')[0] === vip))?.name;
  return { hosts, lanVip: holder(LAB.lanVip), wanVip: holder(LAB.wanVip) };
}

export async function labUp(opts: UpOptions = {}): Promise<HostSpec[]> {
  requireRoot();
  return withLabLock(() => labUpLocked(opts));
}

export async function labDown(): Promise<void> {
  requireRoot();
  return withLabLock(() => labDownLocked());
}

export async function labReboot(host: string): Promise<void> {
  requireRoot();
  return withLabLock(() => labRebootLocked(host));
}

export async function labLink(host: string, iface: string, up: boolean): Promise<void> {
  requireRoot();
  return withLabLock(() => labLinkLocked(host, iface, up));
}

/**
 * Throws the hosts' disks (overlays) away and boots them from the base image: bare hosts, as a
 * new Linode is, with new host keys (known_hosts is rewritten). The rest of the lab is left up.
 */
export async function labReset(hosts: string[], log: (m: string) => void = () => {}): Promise<void> {
  requireRoot();
  for (const h of hosts) hostOrThrow(h);
  return withLabLock(async () => {
    for (const h of hosts) {
      await killContainer(h);
      await removeOverlay(h);
    }
    await labUpLocked({ log });
  });
}

export async function labKill(host: string): Promise<void> {
  requireRoot();
  return withLabLock(() => labKillLocked(host));
}
