import type { Connection, ExecOptions, ExecResult } from './types.ts';
import { quoteArgv } from './quote.ts';
import { batchOutput, parseBatchScript } from './batch.ts';

/** One command the fake received, exactly as the caller passed it. */
export interface FakeCall {
  argv: string[];
  stdin?: string;
}

/**
 * Which calls a rule answers: an argv prefix (each element equal), a RegExp tested against
 * the argv quoted as it would be sent, or a predicate.
 */
export type FakeMatcher = readonly string[] | RegExp | ((call: FakeCall) => boolean);

export type FakeAnswer = Partial<ExecResult> | ((call: FakeCall) => Partial<ExecResult>);

export interface FakeRule {
  match: FakeMatcher;
  answer: FakeAnswer;
  /** How many calls this rule answers before it is used up; unlimited when absent. */
  times?: number;
}

function matches(m: FakeMatcher, call: FakeCall): boolean {
  if (typeof m === 'function') return m(call);
  if (m instanceof RegExp) return m.test(quoteArgv(call.argv));
  return m.length <= call.argv.length && m.every((a, i) => call.argv[i] === a);
}

/**
 * A Connection that runs nothing: it records every call (argv and stdin) and answers from
 * rules tried in order, first match wins. A call no rule matches exits 0 with empty output.
 */
export class FakeConnection implements Connection {
  readonly calls: FakeCall[] = [];
  roundTrips = 0;
  closed = false;
  private readonly rules: (FakeRule & { used: number })[];

  constructor(
    readonly host = 'fake',
    rules: FakeRule[] = [],
  ) {
    this.rules = rules.map((r) => ({ ...r, used: 0 }));
  }

  /** Adds a rule after the existing ones. */
  on(match: FakeMatcher, answer: FakeAnswer, times?: number): this {
    this.rules.push({ match, answer, used: 0, ...(times !== undefined ? { times } : {}) });
    return this;
  }

  async exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    if (this.closed) throw new Error(`${this.host}: exec on a closed connection`);
    // A batch of probes is one round trip whose probes are answered (and recorded) one by one,
    // so rules written for single commands hold whether the caller batches or not.
    const batch = argv.length === 3 && argv[0] === 'sh' && argv[1] === '-c' ? parseBatchScript(argv[2]!) : undefined;
    if (batch) {
      this.roundTrips++;
      const out = batchOutput(batch.map((probe) => this.answer({ argv: probe })));
      return { stdout: out, stderr: '', code: 0 };
    }
    const call: FakeCall = { argv: [...argv] };
    if (opts.stdin !== undefined) call.stdin = opts.stdin.toString();
    this.roundTrips++;
    return this.answer(call);
  }

  private answer(call: FakeCall): ExecResult {
    this.calls.push(call);
    const rule = this.rules.find((r) => (r.times === undefined || r.used < r.times) && matches(r.match, call));
    if (!rule) return { stdout: '', stderr: '', code: 0 };
    rule.used++;
    const a = typeof rule.answer === 'function' ? rule.answer(call) : rule.answer;
    return { stdout: a.stdout ?? '', stderr: a.stderr ?? '', code: a.code ?? 0 };
  }

  /** The argv of every call so far, for sequence assertions. */
  get argvs(): string[][] {
    return this.calls.map((c) => c.argv);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
