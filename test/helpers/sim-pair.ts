// A gateway pair simulated behind FakeConnections, for the maintenance playbook end to end
// without the lab: VIPs on the preferred master whenever its keepalived runs (preemption at
// once), packages with candidates, reboots that take the node away for a few logins and give
// it a new boot id. Answers every command the maintenance role, the pair gates and the stop
// report send, and records the ones that change something.
import { FakeConnection, type FakeCall } from '../../src/connection/fake.ts';
import { UnreachableError, type Connection, type ExecResult } from '../../src/connection/types.ts';
import { conntrackdStats, states, units } from '../unit/rollout/recorded.ts';

const OWN: Record<string, { mgmt: string; lan: string; wan: string; sync: string }> = {
  gw1: { mgmt: '198.18.0.11', lan: '198.18.1.2', wan: '198.19.0.2', sync: '198.18.2.1' },
  gw2: { mgmt: '198.18.0.12', lan: '198.18.1.3', wan: '198.19.0.3', sync: '198.18.2.2' },
};

export class SimNode {
  up = true;
  bootId: string;
  keepalived = 'active';
  installed: Record<string, string> = { 'tsp-maint-probe': '1.0' };
  candidates: Record<string, string> = { 'tsp-maint-probe': '1.1' };
  held: string[] = [];
  /** The package's postinst asks for a reboot (/run/reboot-required), as tsp-maint-probe 1.1 does. */
  rebootRequired = false;
  listsRefreshed = 0;
  /** Logins refused after a reboot before the node answers again; Infinity: it never comes back. */
  downFor = 1;
  /** apt-get fails the way a broken dpkg run does. */
  aptFails = false;
  /** After a reboot, as a backup, its external cache stays empty (sync never catches up); the master holds 1000 flows. */
  syncStuckAfterReboot = false;
  boots = 0;
  readonly actions: string[] = [];
  private recv = 100;

  constructor(readonly name: string, private readonly pair: SimPair) {
    this.bootId = `${name === 'gw1' ? 'a' : 'b'}0000000-0000-4000-8000-000000000000`;
  }

  respond(call: FakeCall): Partial<ExecResult> {
    if (!this.up) throw new UnreachableError(this.name, 'connection lost during a command');
    const a = call.argv;
    const s = a[2] ?? '';
    const holds = this.pair.holder() === this;
    const act = (what: string) => this.actions.push(what);
    if (a[0] === 'test') return { code: 0 };
    if (a[0] === 'ip') return { stdout: this.addresses(holds) };
    if (a[0] === 'systemctl' && a[1] === 'show') {
      if (a.includes('keepalived.service')) return { stdout: units(this.keepalived, 'active') };
      const active = a.at(-1) === 'keepalived' ? this.keepalived : 'active';
      return { stdout: `LoadState=loaded\nActiveState=${active}\nSubState=running\nUnitFileState=enabled\nNeedDaemonReload=no\n` };
    }
    if (a[0] === 'systemctl' && a[1] === 'is-active') {
      const active = a[2] === 'keepalived' ? this.keepalived : 'active';
      return { code: active === 'active' ? 0 : 3, stdout: `${active}\n` };
    }
    if (a[0] === 'systemctl' && (a[1] === 'stop' || a[1] === 'start')) {
      act(`${a[1]} ${a.at(-1)}`);
      if (a.at(-1) === 'keepalived') this.keepalived = a[1] === 'stop' ? 'inactive' : 'active';
      return {};
    }
    if (a[0] === 'setpriv' || a[0] === 'journalctl') return {};
    if (a[0] === 'conntrackd') return { stdout: holds ? conntrackdStats(1000, 0, this.recv++) : conntrackdStats(0, this.syncStuckAfterReboot && this.boots > 0 ? 0 : 1000, this.recv++) };
    if (a[0] === 'cat' && a[1] === '/proc/sys/kernel/random/boot_id') return { stdout: `${this.bootId}\n` };
    if (a[0] === 'nft') return { stdout: 'table inet natgw {\n}\n' };
    if (a[0] === 'timeout') return { stdout: 'open\n' };
    if (a[0] === 'dpkg-query') return { stdout: a.slice(a.indexOf('--') + 1).filter((n) => this.installed[n]).map((n) => `${n}\tii \t${this.installed[n]}\n`).join('') };
    if (a[0] === 'env' && a.includes('apt-get')) {
      if (a.includes('update')) return act('apt-get update'), {};
      if (this.aptFails) return act('apt-get failed'), { code: 100, stderr: 'E: Sub-process /usr/bin/dpkg returned an error code (1)\n' };
      for (const n of Object.keys(this.candidates)) if (!this.held.includes(n)) this.installed[n] = this.candidates[n]!;
      this.rebootRequired = true;
      return act(`apt-get ${a.includes('upgrade') ? 'upgrade' : 'install'}`), {};
    }
    if (a[0] !== 'sh') return { code: 127, stderr: `sim: unknown command ${a.join(' ')}` };
    if (s.startsWith('for f in')) return { stdout: this.keepalived === 'active' ? states(holds ? 'MASTER' : 'BACKUP') : '' };
    if (s.startsWith('date +%s')) return { stdout: `${this.pair.now}\n${this.listsRefreshed}\n` };
    if (s.startsWith('mkdir -p')) return (this.listsRefreshed = this.pair.now), {};
    if (s.startsWith('out=$(')) return { stdout: this.plan() };
    if (s.startsWith("printf 'running")) return { stdout: `running 6.1.0-18-amd64\n${this.rebootRequired ? 'required\nrequired tsp-maint-probe\n' : ''}` };
    if (s.startsWith('for v; do ip neigh')) return {};
    if (s.startsWith('rc=0')) return { code: this.pair.holder() === this.pair.peerOf(this) ? 0 : 1, stdout: 'the peer does not answer yet\n' };
    if (s.startsWith('nohup')) {
      act('reboot');
      this.up = false;
      this.keepalived = 'inactive';
      throw new UnreachableError(this.name, 'connection lost during a command');
    }
    return { code: 127, stderr: `sim: unknown script ${s.slice(0, 40)}` };
  }

  /** A login: refused while the node is down; the first one that gets through finds a new boot. */
  login(): Connection {
    if (!this.up) {
      if (this.downFor-- > 0) throw new UnreachableError(this.name, `connect ETIMEDOUT ${OWN[this.name]!.mgmt}:22`);
      this.up = true;
      this.boots++;
      this.bootId = `${this.bootId.slice(0, 7)}${this.boots}${this.bootId.slice(8)}`;
      this.keepalived = 'active';
      this.rebootRequired = false;
      this.downFor = 1;
    }
    return new FakeConnection(this.name).on(() => true, (c) => this.respond(c));
  }

  private plan(): string {
    const inst = Object.entries(this.candidates)
      .filter(([n, v]) => this.installed[n] !== v && !this.held.includes(n))
      .map(([n, v]) => `inst ${n} [${this.installed[n]}] (${v} localhost [all])\n`);
    return inst.join('') + this.held.map((h) => `hold ${h}\n`).join('');
  }

  private addresses(holds: boolean): string {
    const o = OWN[this.name]!;
    const line = (i: number, dev: string, ip: string, extra = '') => `${i}: ${dev}    inet ${ip}/24 scope global ${extra}${dev}\\       valid_lft forever preferred_lft forever\n`;
    return [
      line(2, 'mgmt', o.mgmt), line(3, 'lan', o.lan), holds ? line(3, 'lan', '198.18.1.1', 'secondary ') : '',
      line(4, 'wan', o.wan), holds ? line(4, 'wan', '198.19.0.1', 'secondary ') : '', line(5, 'sync', o.sync),
    ].join('');
  }
}

export class SimPair {
  readonly nodes: Record<'gw1' | 'gw2', SimNode>;
  now = 1_800_000_000;

  constructor() {
    this.nodes = { gw1: new SimNode('gw1', this), gw2: new SimNode('gw2', this) };
  }

  /** gw1 is the preferred master: it holds the VIPs whenever its keepalived runs. */
  holder(): SimNode | undefined {
    const { gw1, gw2 } = this.nodes;
    if (gw1.up && gw1.keepalived === 'active') return gw1;
    if (gw2.up && gw2.keepalived === 'active') return gw2;
    return undefined;
  }

  peerOf(n: SimNode): SimNode {
    return n === this.nodes.gw1 ? this.nodes.gw2 : this.nodes.gw1;
  }

  async connect(host: string): Promise<Connection> {
    const n = this.nodes[host as 'gw1' | 'gw2'];
    if (!n) throw new UnreachableError(host, 'not in the simulated pair');
    return n.login();
  }
}
