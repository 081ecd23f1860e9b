import { type ChildProcess, spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { run } from '../../lab/run.ts';
import { parseIpv4Addresses } from '../../facts/addresses.ts';
import { type VipEvent, parseMonitorLine } from './vip.ts';

/** Inode of the host's network namespace: changes when a reboot or power cycle gives it a new one. */
function nsInode(ns: string): number | undefined {
  try {
    return statSync(`/run/netns/${ns}`).ino;
  } catch {
    return undefined;
  }
}

/**
 * Watches the VIPs on the gateways from the control side (`ip -n NS`), so it
 * keeps working while a gateway's container is killed or rebooting: a
 * namespace that is replaced is picked up again with a fresh snapshot.
 */
export class VipWatcher {
  readonly events: VipEvent[] = [];
  private procs = new Map<string, { child: ChildProcess; ino?: number }>();
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly hosts: readonly string[], private readonly vips: readonly string[], private readonly nsOf: (h: string) => string) {}

  async start(): Promise<void> {
    for (const h of this.hosts) await this.attach(h);
    this.timer = setInterval(() => void this.recheck(), 300);
  }

  private async snapshot(h: string): Promise<void> {
    const r = await run(['ip', '-n', this.nsOf(h), '-o', '-4', 'addr', 'show'], { timeoutMs: 3000 });
    const now = Date.now();
    const present = new Set(r.code === 0 ? parseIpv4Addresses(r.stdout) : []);
    for (const vip of this.vips) this.events.push({ t: now, host: h, vip, present: present.has(vip) });
  }

  private async attach(h: string): Promise<void> {
    const ns = this.nsOf(h);
    const ino = nsInode(ns);
    const child = spawn('ip', ['-n', ns, '-ts', '-o', 'monitor', 'address'], {
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, TZ: 'UTC' },
    });
    let rest = '';
    child.stdout!.on('data', (d: Buffer) => {
      const lines = (rest + d.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) {
        const e = parseMonitorLine(l, h, this.vips);
        if (e) this.events.push(e);
      }
    });
    child.on('error', () => {});
    this.procs.set(h, { child, ino });
    await this.snapshot(h);
  }

  private async recheck(): Promise<void> {
    if (this.stopped) return;
    for (const h of this.hosts) {
      const cur = this.procs.get(h);
      const ino = nsInode(this.nsOf(h));
      if (cur && cur.ino === ino && cur.child.exitCode === null) continue;
      cur?.child.kill('SIGTERM');
      if (ino === undefined) continue;
      await this.attach(h);
    }
  }

  stop(): VipEvent[] {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    for (const { child } of this.procs.values()) child.kill('SIGTERM');
    this.procs.clear();
    return [...this.events].sort((a, b) => a.t - b.t);
  }
}
