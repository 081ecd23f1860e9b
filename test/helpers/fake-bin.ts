import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A temp dir with fake commands on PATH for testing the roles' shell scripts. Each fake appends
 * its name and arguments to calls.log, then runs the body given for it (sh).
 */
export class FakeBin {
  readonly dir = mkdtempSync(join(tmpdir(), 'tsplay-fake-'));
  readonly bin = join(this.dir, 'bin');
  readonly log = join(this.dir, 'calls.log');

  constructor(fakes: Record<string, string>) {
    mkdirSync(this.bin);
    writeFileSync(this.log, '');
    for (const [name, body] of Object.entries(fakes)) this.add(name, body);
  }

  add(name: string, body = 'exit 0'): void {
    const p = join(this.bin, name);
    writeFileSync(p, `#!/bin/sh\nprintf '%s\\n' "${name} $*" >>'${this.log}'\n${body}\n`);
    chmodSync(p, 0o755);
  }

  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  write(rel: string, content: string): string {
    const p = this.path(rel);
    writeFileSync(p, content);
    return p;
  }

  calls(): string[] {
    return readFileSync(this.log, 'utf8').split('\n').filter(Boolean);
  }

  /** Runs a script with sh, the fakes first on PATH (the system's sh, awk, mv, ... after them). */
  run(script: string, args: string[], env: Record<string, string> = {}, input?: string) {
    const r = spawnSync('sh', [script, ...args], {
      env: { ...process.env, PATH: `${this.bin}:/usr/bin:/bin`, ...env },
      encoding: 'utf8',
      input,
      timeout: 20_000,
    });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  }
}

/** `sh -n` and (Debian's) shellcheck on a script file: their output, empty when clean. */
export function lintShell(file: string): string {
  const n = spawnSync('sh', ['-n', file], { encoding: 'utf8' });
  const sc = spawnSync('shellcheck', ['-s', 'sh', file], { encoding: 'utf8' });
  if (sc.error) return `shellcheck not runnable: ${sc.error.message}`;
  return [n.stderr, n.status ? `sh -n exit ${n.status}` : '', sc.stdout, sc.status ? `shellcheck exit ${sc.status}` : ''].filter(Boolean).join('\n');
}
