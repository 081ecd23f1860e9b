import { TsPlayError } from '../base/errors.ts';
import { mustRunProcess, runProcess } from '../base/process.ts';

/** A failure the CLI prints as one clear message, never as a stack trace. */
export class LabError extends TsPlayError {}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  input?: string;
  cwd?: string;
  timeoutMs?: number;
}

/** Runs argv (no shell) and collects its output. */
export async function run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const r = await runProcess(argv, opts);
  return { code: r.code, stdout: r.stdout, stderr: r.stderr };
}

/** Runs argv and throws a ProcessError naming the command, its exit status or signal, stderr and duration if it fails. */
export async function must(argv: readonly string[], opts: RunOptions = {}): Promise<string> {
  return (await mustRunProcess(argv, opts)).stdout;
}
