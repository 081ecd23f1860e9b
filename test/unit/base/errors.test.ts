import test from 'ava';
import { EXIT_BAD_INPUT, EXIT_FAILED, EXIT_UNREACHABLE, TsPlayError, UsageError, errorText, escapeControl } from '../../../src/base/errors.ts';
import { CommandError } from '../../../src/connection/errors.ts';
import { UnreachableError } from '../../../src/connection/types.ts';
import { GateError } from '../../../src/rollout/wait.ts';
import { PlanError } from '../../../src/engine/plan.ts';
import { InventoryError } from '../../../src/inventory/errors.ts';
import { VaultError } from '../../../src/vault/errors.ts';
import { LabError } from '../../../src/lab/run.ts';
import { parseLabArgs } from '../../../src/lab/args.ts';
import { parseDrillArgs } from '../../../src/drill/args.ts';
import { parsePlayArgs } from '../../../src/cli/args.ts';
import { labCommand } from '../../../src/lab/cli.ts';
import { drillCommand } from '../../../src/drill/cli.ts';

test('control characters become visible text; tabs and newlines stay', (t) => {
  t.is(escapeControl('red \x1b[31mtext\x1b[0m\r\nnext\tline\x07\x9b'), 'red \\x1b[31mtext\\x1b[0m\\x0d\nnext\tline\\x07\\x9b');
  t.is(new TsPlayError('bad \x1b]0;title\x07').userMessage(), 'bad \\x1b]0;title\\x07');
  t.is(errorText(new Error('plain \x1b[2J')), 'plain \\x1b[2J');
});

test('every user-facing error shares one base and carries its exit code', (t) => {
  const errors: Array<[TsPlayError, number]> = [
    [new UsageError('x'), EXIT_BAD_INPUT],
    [new PlanError(['a', 'b']), EXIT_BAD_INPUT],
    [new InventoryError('x'), EXIT_BAD_INPUT],
    [new VaultError('password', 'x'), EXIT_BAD_INPUT],
    [new LabError('x'), EXIT_BAD_INPUT],
    [new GateError('x'), EXIT_FAILED],
    [new UnreachableError('gw1', 'x'), EXIT_UNREACHABLE],
  ];
  for (const [e, code] of errors) {
    t.true(e instanceof TsPlayError, e.name);
    t.is(e.exitCode, code, e.name);
    t.is(e.name, e.constructor.name);
  }
});

test('a command error carries the command, its status or signal, stderr and duration', (t) => {
  const e = new CommandError('gw1', ['systemctl', 'reload', 'keepalived'], { code: 1, stdout: '', stderr: 'Job failed\n' }, 42);
  t.is(e.command, 'systemctl reload keepalived');
  t.is(e.code, 1);
  t.is(e.stderr, 'Job failed\n');
  t.is(e.durationMs, 42);
  t.is(e.message, 'gw1: `systemctl reload keepalived` exited 1: Job failed');
  const k = new CommandError('gw1', ['sleep', '9'], { code: 143, stdout: '', stderr: '', signal: 'SIGTERM' });
  t.is(k.signal, 'SIGTERM');
  t.regex(k.message, /was killed by SIGTERM/);
});

test('lab, drill and play share one usage error', (t) => {
  t.throws(() => parseLabArgs(['frobnicate']), { instanceOf: UsageError });
  t.throws(() => parseDrillArgs(['--repeat']), { instanceOf: UsageError });
  t.throws(() => parsePlayArgs(['--forks', '0', 'site.ts'], {}), { instanceOf: UsageError });
});

test('usage errors of lab and drill exit 1 (bad input), not 2 (a failed host)', async (t) => {
  const write = process.stderr.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    t.is(await labCommand(['frobnicate']), EXIT_BAD_INPUT);
    t.is(await drillCommand(['--repeat', 'x', 'playbooks/drill.ts', '-i', 'inv']), EXIT_BAD_INPUT);
  } finally {
    process.stderr.write = write;
  }
});
