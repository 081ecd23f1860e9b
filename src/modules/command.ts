import { clip, redact } from '../base/redact.ts';
import type { Task } from '../task/task.ts';
import { check } from '../connection/errors.ts';
import { quoteArgv } from '../connection/quote.ts';
import { absolutePath, ModuleArgumentError, passThrough, type TaskOptions } from './common.ts';

export interface CommandArgs extends TaskOptions {
  /** The command as an argv array: never a shell string. */
  argv: string[];
  /** Skip (ok) when this path exists. */
  creates?: string;
  /** Skip (ok) when this path does not exist. */
  removes?: string;
  /** Skip (ok) when this argv exits 0. */
  unless?: string[];
  /** Run only when this argv exits 0; otherwise the task is skipped. */
  onlyIf?: string[];
}

type Guard = { kind: 'creates' | 'removes'; path: string } | { kind: 'unless' | 'onlyIf'; argv: string[] };

/** Exit codes of the guard probes, in the order of the guards. */
export type CommandState = number[];

function argvArg(name: string, v: unknown): string[] {
  if (!Array.isArray(v) || v.length === 0 || v.some((a) => typeof a !== 'string')) {
    throw new ModuleArgumentError('command', `${name} must be a non-empty argv array of strings, got ${JSON.stringify(v)}`);
  }
  return [...v];
}

export function command(args: CommandArgs): Task<CommandState, null> {
  const argv = argvArg('argv', args.argv);
  const guards: Guard[] = [];
  if (args.creates !== undefined) guards.push({ kind: 'creates', path: absolutePath('command', args.creates) });
  if (args.removes !== undefined) guards.push({ kind: 'removes', path: absolutePath('command', args.removes) });
  if (args.unless !== undefined) guards.push({ kind: 'unless', argv: argvArg('unless', args.unless) });
  if (args.onlyIf !== undefined) guards.push({ kind: 'onlyIf', argv: argvArg('onlyIf', args.onlyIf) });
  // Redacted word by word before quoting and cutting: a quoted or cut secret no longer matches.
  const shown = quoteArgv(argv.map(redact));
  const defaultName = `command ${clip(shown, 60, 'start', '…')}`;

  return {
    module: 'command',
    ...passThrough(args, defaultName),
    probes: () => guards.map((g) => ({ argv: 'path' in g ? ['test', '-e', g.path] : g.argv })),
    parse: (results) => guards.map((_, i) => results[i]?.code ?? -1),
    compare(codes) {
      for (const [i, g] of guards.entries()) {
        const code = codes[i];
        if (g.kind === 'creates' && code === 0) return { status: 'ok', reason: `${g.path} exists` };
        if (g.kind === 'removes' && code !== 0) return { status: 'ok', reason: `${g.path} does not exist` };
        if (g.kind === 'unless' && code === 0) return { status: 'ok', reason: `\`${quoteArgv(g.argv.map(redact))}\` succeeded` };
        if (g.kind === 'onlyIf' && code !== 0) return { status: 'skip', reason: `\`${quoteArgv(g.argv.map(redact))}\` exited ${code}` };
      }
      return { status: 'change', reason: guards.length ? `run ${shown}` : `run ${shown} (no guard: always runs)`, plan: null };
    },
    async apply(conn) {
      await check(conn, argv);
      return { changed: true };
    },
  };
}
