import pLimit from 'p-limit';
import type { Connection, ExecResult } from '../connection/types.ts';
import { UnreachableError } from '../connection/types.ts';
import type { Facts } from '../facts/types.ts';
import { gatherFacts } from '../facts/gather.ts';
import { firstReadPlan, parseFirstRead, type FirstReadPlan } from './first-read.ts';
import type { EventSink, HostStats } from './events.ts';
import type { BatchContext, StopContext } from './play.ts';
import type { PlayPlan } from './plan.ts';
import { batches, tooManyFailures } from './serial.ts';
import { emptyStats, GateClosed, HostRun, upFrontProbes, type HostFailure, type HostOutcome, type PrefetchedRead } from './host-run.ts';
import { ResultStore } from './results.ts';
import { Connections, tracked } from './connections.ts';

export interface RunOptions {
  check: boolean;
  forks: number;
  sink: EventSink;
  /** Opens the one connection a host gets for the whole run (and a new one after a reboot). */
  connect(host: string, vars: Record<string, unknown>): Promise<Connection>;
  /** The command line being run, for plays whose stop message says how to resume. */
  commandLine?: string;
  /**
   * Aborted on an interrupt (Ctrl-C): nothing new starts (no task, handler, batch or play);
   * the tasks running finish, and the run ends with its recap, marked interrupted.
   */
  signal?: AbortSignal;
  /**
   * Once before the first play, with the run's own connections: takes the run lock. Throwing
   * ends the run. `then(host)` is the command that gathers the host's facts and reads its first
   * play's state (first-read.ts): a lock that can send it in its own round trip, once the host is
   * locked, answers its results by host (those hosts are not asked again).
   */
  beforeRun?(hosts: string[], connect: (host: string) => Promise<Connection>, then: (host: string) => readonly string[]): Promise<Map<string, ExecResult> | void>;
  /** Once after the last play (also when it stopped or was interrupted), before the connections close. */
  afterRun?(): Promise<void>;
}

export interface RunSummary {
  stats: Record<string, HostStats>;
  /** Why the run stopped early (a gate, too many failures, an interrupt), if it did. */
  stopped?: string;
  /** An interrupt stopped it: the CLI exits 130. */
  interrupted?: boolean;
}

export const INTERRUPTED = 'interrupted (Ctrl-C): nothing new was started, the running tasks were finished';

/** Runs planned plays batch by batch; one connection and one fact-gathering per host for the whole run. */
export class Runner {
  private readonly conns: Connections;
  private readonly facts = new Map<string, Promise<Facts>>();
  private readonly stats: Record<string, HostStats> = {};
  private readonly dead = new Set<string>();
  private readonly results = new Map<string, ResultStore>();
  private readonly failures = new Map<string, HostFailure>();
  /** Hosts whose connection failed or dropped, with why: a gate that fails on one counts it unreachable. */
  private readonly lost = new Map<string, string>();
  /** Host runs whose up-front read started early (readAhead), with the run's changes when it started. */
  private readonly ahead = new Map<string, { plan: PlayPlan; run: Promise<HostRun | undefined>; changes: number }>();

  constructor(private readonly opts: RunOptions) {
    // A failure to connect, or a session lost later, is remembered: a gate that fails on such a
    // host counts it unreachable.
    this.conns = new Connections((host, vars) =>
      opts.connect(host, vars).then(
        (conn) => tracked(conn, (reason) => this.lost.set(host, reason)),
        (e) => {
          if (e instanceof UnreachableError) this.lost.set(host, e.reason);
          throw e;
        },
      ),
    );
  }

  async run(plans: PlayPlan[]): Promise<RunSummary> {
    for (const p of plans) for (const h of p.hosts) this.stats[h] ??= emptyStats();
    let stopped: string | undefined;
    try {
      if (this.opts.beforeRun) {
        const varsOf = (h: string) => plans.find((p) => p.byHost.has(h))?.byHost.get(h)?.vars ?? {};
        const first = this.firstReads(plans);
        const gathered = await this.opts.beforeRun(Object.keys(this.stats), (h) => this.connection(h, varsOf(h)), (h) => first.get(h)!.command);
        const prefetched = new Map<string, PrefetchedRead>();
        for (const [h, r] of gathered ?? []) {
          const f = (async () => {
            const got = parseFirstRead(h, first.get(h)!, r);
            if (got.read) prefetched.set(h, got.read);
            return got.facts;
          })();
          // Awaited at the host's turn, where a failure is handled as any facts' failure.
          f.catch(() => undefined);
          this.facts.set(h, f);
        }
        this.prefetchFacts(Object.keys(this.stats));
        this.readAhead(plans, prefetched);
      }
      try {
        for (const plan of plans) {
          stopped = this.interrupted() ? INTERRUPTED : await this.runPlay(plan);
          this.opts.sink.emit({ type: 'play-end', play: plan.play.name, ...(stopped ? { stopped } : {}) });
          if (stopped) break;
        }
      } finally {
        await this.opts.afterRun?.();
      }
    } finally {
      await this.closeAll();
    }
    const interrupted = stopped === INTERRUPTED;
    this.opts.sink.emit({ type: 'recap', hosts: this.stats, ...(interrupted ? { interrupted } : {}) });
    return { stats: this.stats, ...(stopped ? { stopped } : {}), ...(interrupted ? { interrupted } : {}) };
  }

  /**
   * Facts of every host whose connection is open already (the run lock opened them), gathered
   * at once instead of when each host's batch comes: they run beside the gates and the batches
   * before, and are ready when the host's turn comes. Read-only, and the same round trip the
   * host would spend anyway; no connection is opened for it, so --forks still bounds that.
   */
  private prefetchFacts(hosts: string[]): void {
    // At most --forks at a time, as everything else a run sends: 500 hosts read at once share
    // the CPU (here the lab's, on a real network the control machine's) until nothing finishes.
    const limit = pLimit(Math.max(1, this.opts.forks));
    for (const h of hosts) {
      if (!this.conns.has(h) || this.facts.has(h)) continue;
      const f = limit(() => this.conns.get(h, {}).then((c) => gatherFacts(c)));
      // Nobody awaits it until the host's turn, where a failure is handled as it always was.
      f.catch(() => undefined);
      this.facts.set(h, f);
    }
  }

  /**
   * Every host's state for its first play, read at once beside the order gate and the batches
   * before it (at most --forks reads at a time, on the connections the run lock opened). A read
   * is used only if nothing changed on any host since it started (a change anywhere may touch
   * what the host's tasks read: a handover, a peer's restart); else the host reads again when
   * its turn comes, as it always did. A no-change run so reads every host in parallel instead
   * of batch after batch.
   */
  private readAhead(plans: PlayPlan[], prefetched: ReadonlyMap<string, PrefetchedRead>): void {
    const limit = pLimit(Math.max(1, this.opts.forks));
    const seen = new Set<string>();
    for (const plan of plans) {
      for (const host of plan.hosts) {
        if (seen.has(host)) continue;
        seen.add(host);
        if (!this.conns.has(host) || !this.facts.has(host)) continue;
        const hp = plan.byHost.get(host)!;
        const changes = this.changes();
        const run = limit(async () => {
          const [conn, facts] = await Promise.all([this.connection(host, hp.vars), this.facts.get(host)!]);
          const r = this.hostRun(plan, host, conn, facts);
          r.readAhead(prefetched.get(host));
          return r;
        }).catch(() => undefined);
        this.ahead.set(host, { plan, run, changes });
      }
    }
  }

  /** Each host's facts and first read (its first play's up-front read), for the run lock's round trip. */
  private firstReads(plans: PlayPlan[]): Map<string, FirstReadPlan> {
    const out = new Map<string, FirstReadPlan>();
    for (const plan of plans) {
      for (const host of plan.hosts) {
        if (out.has(host)) continue;
        const hp = plan.byHost.get(host)!;
        out.set(host, firstReadPlan((facts) => upFrontProbes(hp, facts, this.resultsOf(host))));
      }
    }
    return out;
  }

  /** Changes made on the hosts so far (none in check mode: nothing is changed there). */
  private changes(): number {
    if (this.opts.check) return 0;
    return Object.values(this.stats).reduce((n, s) => n + s.changed, 0);
  }

  private interrupted(): boolean {
    return this.opts.signal?.aborted === true;
  }

  /** The host's one connection; a failure to connect, or a session lost later, is remembered. */
  private connection(host: string, vars: Record<string, unknown>): Promise<Connection> {
    return this.conns.get(host, vars);
  }

  private hookContext(plan: PlayPlan, hosts: string[]): Omit<BatchContext, 'batch' | 'index' | 'total'> {
    return {
      play: plan.play,
      allHosts: hosts,
      check: this.opts.check,
      connect: (h) => this.connection(h, plan.byHost.get(h)?.vars ?? {}),
      vars: (h) => plan.byHost.get(h)?.vars ?? {},
      log: (message) => this.opts.sink.emit({ type: 'info', message }),
      results: (h) => this.resultsOf(h),
    };
  }

  private resultsOf(host: string): ResultStore {
    let r = this.results.get(host);
    if (!r) {
      r = new ResultStore();
      this.results.set(host, r);
    }
    return r;
  }

  /** The runner's reason, with what the play's onStop adds (where the pair stands, how to resume). */
  private async stop(plan: PlayPlan, hosts: string[], done: string[], reason: string, touched: string[] = []): Promise<string> {
    if (!plan.play.onStop) return reason;
    const failed = hosts.filter((h) => this.failures.has(h)).map((h) => ({ host: h, ...this.failures.get(h)! }));
    const ctx: StopContext = {
      ...this.hookContext(plan, hosts),
      reason,
      done: [...done],
      failed,
      touched: [...touched],
      remaining: hosts.filter((h) => !done.includes(h) && !this.failures.has(h) && !touched.includes(h)),
      ...(this.opts.commandLine ? { commandLine: this.opts.commandLine } : {}),
    };
    try {
      const extra = await plan.play.onStop(ctx);
      return extra ? `${reason}\n${extra}` : reason;
    } catch (e) {
      return `${reason}\n(the play's stop report failed: ${(e as Error).message})`;
    }
  }

  private async gate(plan: PlayPlan, name: string, fn: () => Promise<void>): Promise<string | undefined> {
    try {
      await fn();
      return undefined;
    } catch (e) {
      const reason = (e as Error).message;
      this.opts.sink.emit({ type: 'gate', play: plan.play.name, gate: name, passed: false, reason });
      this.countLost();
      return `gate ${name} failed: ${reason}`;
    }
  }

  /**
   * A gate stopped the run and some host could not be reached on the way (a gate reports why in
   * its own words): those hosts are unreachable in the recap and the exit code, as anywhere else.
   */
  private countLost(): void {
    for (const [host, reason] of this.lost) {
      const stats = this.stats[host];
      if (!stats || stats.unreachable > 0) continue;
      stats.unreachable++;
      this.dead.add(host);
      this.opts.sink.emit({ type: 'unreachable', host, reason });
    }
  }

  private async runPlay(plan: PlayPlan): Promise<string | undefined> {
    const play = plan.play;
    let hosts = plan.hosts.filter((h) => !this.dead.has(h));
    this.opts.sink.emit({ type: 'play-start', play: play.name, hosts });
    if (hosts.length === 0) return undefined;
    const base = this.hookContext(plan, hosts);
    if (play.order) {
      const ordered = hosts;
      const failure = await this.gate(plan, 'order', async () => {
        hosts = await play.order!(ordered, base);
      });
      if (failure) return this.stop(plan, ordered, [], failure);
    }
    const groups = batches(hosts, play.serial);
    const done: string[] = [];
    const ordered = hosts;
    const stop = (reason: string, touched: string[] = []) => this.stop(plan, ordered, done, reason, touched);
    for (const [index, batch] of groups.entries()) {
      if (this.interrupted()) return INTERRUPTED;
      this.opts.sink.emit({ type: 'batch-start', play: play.name, index, total: groups.length, hosts: batch });
      const ctx: BatchContext = { ...base, batch, index, total: groups.length };
      // The gate reads the pair while the batch's hosts read their own state (both only read);
      // a host waits for the gate before its first change, and a failed gate stops the run
      // whether or not the batch had anything to change.
      const gate = play.beforeBatch ? this.gate(plan, `before batch ${index + 1}`, () => play.beforeBatch!(ctx)) : Promise.resolve(undefined);
      const passed = async () => {
        if (await gate) throw new GateClosed();
      };
      const limit = pLimit(Math.max(1, this.opts.forks));
      const changedBefore = batch.map((h) => this.stats[h]!.changed);
      const outcomes = await Promise.all(batch.map((h) => limit(() => (this.interrupted() ? 'interrupted' : this.runHost(plan, h, passed)))));
      const closed = await gate;
      if (closed) return stop(closed);
      if (this.interrupted()) return INTERRUPTED;
      const failed = outcomes.filter((o) => o !== 'ok').length;
      if (tooManyFailures(failed, batch.length, play.maxFailPercentage ?? 0)) {
        const who = batch.filter((_, i) => outcomes[i] !== 'ok').join(', ');
        const ran = batch.filter((_, i) => outcomes[i] === 'ok');
        return stop(`${failed} of ${batch.length} host(s) in batch ${index + 1} failed or were unreachable (${who}); maxFailPercentage is ${play.maxFailPercentage ?? 0}`, ran);
      }
      if (play.afterBatch) {
        const changed = batch.filter((h, i) => this.stats[h]!.changed > changedBefore[i]!);
        const failure = await this.gate(plan, `after batch ${index + 1}`, () => play.afterBatch!({ ...ctx, changed }));
        if (failure) return stop(failure, batch.filter((_, i) => outcomes[i] === 'ok'));
      }
      done.push(...batch.filter((_, i) => outcomes[i] === 'ok'));
    }
    return undefined;
  }

  private async runHost(plan: PlayPlan, host: string, beforeChange?: () => Promise<void>): Promise<HostOutcome | 'interrupted'> {
    const hp = plan.byHost.get(host)!;
    const stats = this.stats[host]!;
    let run: HostRun | undefined;
    const early = this.ahead.get(host);
    this.ahead.delete(host);
    try {
      if (early && early.plan === plan && early.changes === this.changes()) run = await early.run;
      if (!run) {
        const conn = await this.connection(host, hp.vars);
        let f = this.facts.get(host);
        if (!f) {
          f = gatherFacts(conn);
          this.facts.set(host, f);
        }
        run = this.hostRun(plan, host, conn, await f);
      }
    } catch (e) {
      this.dead.add(host);
      const unreachable = e instanceof UnreachableError;
      this.failures.set(host, { reason: unreachable ? `unreachable: ${(e as UnreachableError).reason}` : (e as Error).message });
      stats[unreachable ? 'unreachable' : 'failed']++;
      this.opts.sink.emit(unreachable ? { type: 'unreachable', host, reason: (e as UnreachableError).reason } : { type: 'host-failed', host, reason: (e as Error).message });
      this.opts.sink.emit({ type: 'host-done', host });
      return unreachable ? 'unreachable' : 'failed';
    }
    const outcome = await run.run(beforeChange);
    stats.roundTrips = await this.conns.roundTrips(host);
    this.opts.sink.emit({ type: 'host-done', host });
    if (outcome !== 'ok' && outcome !== 'gate-closed') {
      this.dead.add(host);
      if (run.failure) this.failures.set(host, run.failure);
    }
    return outcome;
  }

  private hostRun(plan: PlayPlan, host: string, conn: Connection, facts: Facts): HostRun {
    const hp = plan.byHost.get(host)!;
    const env = {
      probeFreshLogin: async () => {
        let fresh: Connection;
        try {
          fresh = await this.opts.connect(host, hp.vars);
        } catch (e) {
          // The run's own connection may still be up: this is the task's failure, not the host's.
          throw new Error(`a fresh login failed after the change: ${(e as Error).message}`);
        }
        try {
          const r = await fresh.exec(['true']);
          if (r.code !== 0) throw new Error(`a fresh login to ${host} could not run a command (exit ${r.code})`);
        } finally {
          await fresh.close();
        }
      },
      // A session dropped on purpose (a reboot) and opened again is no longer a lost host.
      reconnect: async () => {
        const c = await this.conns.reconnect(host, hp.vars);
        this.lost.delete(host);
        return c;
      },
    };
    return new HostRun(hp, conn, facts, this.stats[host]!, { check: this.opts.check, sink: this.opts.sink, env, results: this.resultsOf(host), ...(this.opts.signal ? { signal: this.opts.signal } : {}) });
  }

  private async closeAll(): Promise<void> {
    await this.conns.closeAll((host, trips) => {
      if (this.stats[host]) this.stats[host].roundTrips = trips;
    });
  }
}
