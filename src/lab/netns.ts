import { existsSync } from 'node:fs';
import {
  LAB, type HostSpec, type Iface, type Segment, controlAddrs, fabricBridge, fabricPeer, ifaces, macFor, mgmtPeer, nsName,
} from './topology.ts';
import { LabError, must, run } from './run.ts';

const SEGMENTS: Segment[] = ['lan', 'wan', 'sync', 'inet', 'inner'];

export function nsExists(ns: string): boolean {
  return existsSync(`/run/netns/${ns}`);
}

async function linkExists(name: string, ns?: string): Promise<boolean> {
  const args = ns ? ['ip', '-n', ns, 'link', 'show', 'dev', name] : ['ip', 'link', 'show', 'dev', name];
  return (await run(args)).code === 0;
}

async function ensureNs(ns: string): Promise<void> {
  if (!nsExists(ns)) await must(['ip', 'netns', 'add', ns]);
  await must(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
}

/** The control side: the lab's own bridge in the root namespace, nothing else there is touched. */
export async function ensureMgmtBridge(): Promise<void> {
  if (!(await linkExists(LAB.mgmtBridge))) {
    await must(['ip', 'link', 'add', LAB.mgmtBridge, 'type', 'bridge']);
  }
  for (const a of controlAddrs()) await must(['ip', 'addr', 'replace', a, 'dev', LAB.mgmtBridge]);
  await must(['ip', 'link', 'set', LAB.mgmtBridge, 'up']);
}

/** The LAN, WAN and sync segments: bridges in a namespace of their own, away from the machine. */
export async function ensureFabric(): Promise<void> {
  await ensureNs(LAB.fabricNs);
  for (const seg of SEGMENTS) {
    const br = fabricBridge(seg);
    if (!(await linkExists(br, LAB.fabricNs))) {
      await must(['ip', '-n', LAB.fabricNs, 'link', 'add', br, 'type', 'bridge']);
    }
    await must(['ip', '-n', LAB.fabricNs, 'link', 'set', br, 'up']);
  }
}

/** The outer end of a host's cable: where `link down` pulls it. */
export function cableEnd(host: string, iface: Iface): { ns?: string; dev: string } {
  return iface === 'mgmt' ? { dev: mgmtPeer(host) } : { ns: LAB.fabricNs, dev: fabricPeer(host, iface) };
}

/**
 * Removes a cable by its outer end (the veth pair goes at once, inside the rtnl lock). A cable
 * whose namespace was just deleted vanishes on its own, asynchronously, when the kernel's netns
 * cleanup runs: it may be there when looked up and gone when deleted, which is the end wanted.
 */
async function removeCable(end: { ns?: string; dev: string }): Promise<void> {
  if (!(await linkExists(end.dev, end.ns))) return;
  const r = await run(end.ns ? ['ip', '-n', end.ns, 'link', 'del', end.dev] : ['ip', 'link', 'del', end.dev]);
  if (r.code !== 0 && (await linkExists(end.dev, end.ns))) {
    throw new LabError(`cannot remove the cable end ${end.dev}${end.ns ? ` in ${end.ns}` : ''}: ${r.stderr.trim()}`);
  }
}

async function ensureCable(h: HostSpec, iface: Iface, pulled: boolean): Promise<void> {
  const ns = nsName(h.name);
  const end = cableEnd(h.name, iface);
  if (!(await linkExists(iface, ns))) {
    // A leftover outer end would block the name; its inner end is gone with it anyway.
    await removeCable(end);
    const add = ['link', 'add', end.dev, 'type', 'veth', 'peer', 'name', iface, 'address', macFor(h.name, iface), 'netns', ns];
    await must(end.ns ? ['ip', '-n', end.ns, ...add] : ['ip', ...add]);
  }
  const master = iface === 'mgmt' ? LAB.mgmtBridge : fabricBridge(iface);
  await must(end.ns ? ['ip', '-n', end.ns, 'link', 'set', end.dev, 'master', master] : ['ip', 'link', 'set', end.dev, 'master', master]);
  for (const a of h.addrs[iface] ?? []) {
    // IPv6 without duplicate address detection: a session must not wait 1-2 s for it after boot.
    await must(['ip', '-n', ns, 'addr', 'replace', a, 'dev', iface, ...(a.includes(':') ? ['nodad'] : [])]);
  }
  await must(['ip', '-n', ns, 'link', 'set', iface, 'up']);
  await setCable(h.name, iface, !pulled);
}

/** Builds or repairs a host's namespace, cables and addresses (as its ifupdown config would). */
export async function ensureHostNet(h: HostSpec, pulled: readonly Iface[] = []): Promise<void> {
  await ensureNs(nsName(h.name));
  for (const i of ifaces(h)) await ensureCable(h, i, pulled.includes(i));
  const ns = nsName(h.name);
  for (const a of h.loopback ?? []) await must(['ip', '-n', ns, 'addr', 'replace', a, 'dev', 'lo']);
  if (h.gateway) await must(['ip', '-n', ns, 'route', 'replace', 'default', 'via', h.gateway]);
  if (h.gateway6) await must(['ip', '-n', ns, '-6', 'route', 'replace', 'default', 'via', h.gateway6]);
  for (const r of h.routes6 ?? []) await must(['ip', '-n', ns, '-6', 'route', 'replace', r.to, 'via', r.via]);
  // A route server routes (rs1 between the public and internet segments). Set with the host's
  // network, like its addresses: the container's own sysctl.d runs into read-only kernel.* keys.
  if (h.kind === 'routeserver') {
    for (const k of ['net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1']) await must(['ip', 'netns', 'exec', ns, 'sysctl', '-q', '-w', k]);
  }
}

/**
 * A reboot starts from a fresh network stack: no VIP, nft rule, conntrack entry or
 * net.* sysctl survives, so whatever comes back was brought back by the host itself.
 */
export async function resetHostNet(h: HostSpec, pulled: readonly Iface[] = []): Promise<void> {
  // Cables first, synchronously: deleting the namespace alone leaves their outer ends to the
  // kernel's deferred netns cleanup, which raced the rebuild below (a reboot hook once failed on
  // "Cannot find device" and left the host down).
  for (const i of ifaces(h)) await removeCable(cableEnd(h.name, i));
  if (nsExists(nsName(h.name))) await must(['ip', 'netns', 'del', nsName(h.name)]);
  await ensureHostNet(h, pulled);
}

export async function setCable(host: string, iface: Iface, up: boolean): Promise<void> {
  const end = cableEnd(host, iface);
  const args = ['link', 'set', end.dev, up ? 'up' : 'down'];
  await must(end.ns ? ['ip', '-n', end.ns, ...args] : ['ip', ...args]);
}

export async function cableUp(host: string, iface: Iface): Promise<boolean> {
  const end = cableEnd(host, iface);
  const args = ['-o', 'link', 'show', 'dev', end.dev];
  const r = await run(end.ns ? ['ip', '-n', end.ns, ...args] : ['ip', ...args]);
  return r.code === 0 && /[<,]UP[,>]/.test(r.stdout);
}

/** Every lab namespace, as `ip netns` lists them. */
export async function labNamespaces(): Promise<string[]> {
  const r = await run(['ip', 'netns', 'list']);
  return r.stdout.split('\n').map((l) => l.split(' ')[0] ?? '').filter((n) => n.startsWith(LAB.nsPrefix));
}

/** Root-namespace links the lab made: its bridge and the outer ends of mgmt cables. */
export async function labRootLinks(): Promise<string[]> {
  const r = await run(['ip', '-o', 'link', 'show']);
  return r.stdout
    .split('\n')
    .map((l) => /^\d+:\s+([^:@]+)/.exec(l)?.[1] ?? '')
    .filter((n) => n === LAB.mgmtBridge || n.startsWith('tspm-'));
}

/** Removes the lab's namespaces (their veths go with them) and its root-namespace links. */
export async function removeAllNet(): Promise<void> {
  for (const ns of await labNamespaces()) await must(['ip', 'netns', 'del', ns]);
  for (const l of await labRootLinks()) await run(['ip', 'link', 'del', l]);
}

/** Addresses configured inside a host's namespace, per interface. */
export async function hostAddrs(host: string): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  const r = await run(['ip', '-n', nsName(host), '-o', '-4', 'addr', 'show']);
  for (const l of r.stdout.split('\n')) {
    const m = /^\d+:\s+(\S+)\s+inet\s+(\S+)/.exec(l);
    if (m) (out[m[1]!] ??= []).push(m[2]!);
  }
  return out;
}
