import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { TsPlayError } from '../base/errors.ts';

/**
 * The part of OpenSSH's client configuration (ssh_config(5)) that decides where and as whom a
 * connection goes: Host blocks (patterns with `*`, `?` and `!`), HostName, User, Port,
 * IdentityFile, ProxyJump, Include, and `Match all`. As OpenSSH: the first value obtained for a
 * keyword wins (files and blocks in order), except IdentityFile, whose values add up. Other
 * `Match` criteria are not evaluated: their blocks apply to no host. Other keywords are ignored.
 */
export class SshConfigError extends TsPlayError {}

interface Line {
  key: string;
  args: string[];
  where: string;
}

interface Block {
  /** null: lines before the first Host, or `Match all`; they apply to every host. */
  patterns: string[] | null;
  /** Patterns of the blocks an Include of this block's file sat in: all must match too. */
  guards: Array<string[] | null>;
  lines: Line[];
}

export interface HostConfig {
  hostname?: string;
  user?: string;
  port?: number;
  identityFiles: string[];
  /** As written (`a,b`, `user@host:port`, `none`); sshTarget reads it with parseJumpList. */
  proxyJump?: string;
  /** file:line of each value, for messages. */
  where: Record<string, string>;
}

const MAX_INCLUDE_DEPTH = 16;

function splitArgs(text: string, where: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (const m of text.matchAll(re)) out.push(m[1] ?? m[2]!);
  if ((text.match(/"/g) ?? []).length % 2) throw new SshConfigError(`${where}: unterminated quote`);
  return out;
}

/** `Include` arguments: relative to ~/.ssh for a user file, to /etc/ssh for a system one; `*`/`?` in the last part. */
function includeFiles(arg: string, from: string): string[] {
  const base = from.startsWith('/etc/ssh/') ? '/etc/ssh' : join(homedir(), '.ssh');
  const path = arg.startsWith('~/') ? join(homedir(), arg.slice(2)) : isAbsolute(arg) ? arg : resolve(base, arg);
  const name = basename(path);
  if (!/[*?]/.test(name)) return existsSync(path) ? [path] : [];
  const dir = dirname(path);
  if (!existsSync(dir)) return [];
  const re = globRegExp(name);
  return readdirSync(dir).filter((f) => re.test(f)).sort().map((f) => join(dir, f));
}

function globRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

function checkValue(l: Line): void {
  const key = l.key;
  if (key === 'port') {
    const p = l.args[0] ?? '';
    if (!/^\d+$/.test(p) || Number(p) < 1 || Number(p) > 65535) throw new SshConfigError(`${l.where}: bad port '${p}' (a whole number from 1 to 65535)`);
  }
  if ((key === 'hostname' || key === 'user' || key === 'proxyjump' || key === 'identityfile') && !(l.args[0] ?? '').trim()) {
    throw new SshConfigError(`${l.where}: ${key} has an empty value`);
  }
}

export class SshConfig {
  private constructor(
    private readonly blocks: Block[],
    /** The files read, for messages. */
    readonly files: string[],
  ) {}

  /**
   * Reads `file` (ssh -F), or else ~/.ssh/config then /etc/ssh/ssh_config as ssh does; a default
   * file that does not exist is no error, a named one is.
   */
  static load(file?: string): SshConfig {
    const blocks: Block[] = [];
    const files: string[] = [];
    // An Include inside a Host block counts only for hosts that block matches (OpenSSH's
    // conditional include): its blocks carry the enclosing patterns as guards.
    const read = (path: string, depth: number, guards: Array<string[] | null>) => {
      if (depth > MAX_INCLUDE_DEPTH) throw new SshConfigError(`${path}: Include nested more than ${MAX_INCLUDE_DEPTH} deep`);
      files.push(path);
      let block: Block = { patterns: null, guards, lines: [] };
      blocks.push(block);
      readFileSync(path, 'utf8').split('\n').forEach((raw, i) => {
        const where = `${path}:${i + 1}`;
        const text = raw.trim();
        if (!text || text.startsWith('#')) return;
        const m = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(text);
        const key = (m ? m[1]! : text).toLowerCase();
        const args = m ? splitArgs(m[2]!, where) : [];
        if (key === 'host' || key === 'match') {
          // Other Match criteria are not evaluated: their block applies to no host.
          const patterns = key === 'host' ? args : args.length === 1 && args[0]!.toLowerCase() === 'all' ? null : [];
          block = { patterns, guards, lines: [] };
          blocks.push(block);
        } else if (key === 'include') {
          for (const arg of args) for (const f of includeFiles(arg, path)) read(f, depth + 1, [...guards, block.patterns]);
          // Lines after an Include stay in the block the Include sat in.
          block = { patterns: block.patterns, guards, lines: [] };
          blocks.push(block);
        } else {
          const line = { key, args, where };
          checkValue(line);
          block.lines.push(line);
        }
      });
    };
    if (file !== undefined) {
      if (!existsSync(file)) throw new SshConfigError(`ssh config file not found: ${file}`);
      read(file, 0, []);
    } else {
      for (const f of [join(homedir(), '.ssh/config'), '/etc/ssh/ssh_config']) if (existsSync(f)) read(f, 0, []);
    }
    return new SshConfig(blocks, files);
  }

  static empty(): SshConfig {
    return new SshConfig([], []);
  }

  /** What the configuration says for `alias`, the host as given to ssh (ansible_host, else the inventory name). */
  resolve(alias: string): HostConfig {
    const out: HostConfig = { identityFiles: [], where: {} };
    for (const b of this.blocks) {
      if (![b.patterns, ...b.guards].every((p) => p === null || hostMatches(p, alias))) continue;
      for (const l of b.lines) {
        const v = l.args[0]!;
        if (l.key === 'identityfile') {
          out.identityFiles.push(expandTokens(v, alias, out));
          out.where.identityfile ??= l.where;
          continue;
        }
        if (!['hostname', 'user', 'port', 'proxyjump'].includes(l.key) || l.key in out.where) continue;
        out.where[l.key] = l.where;
        if (l.key === 'hostname') out.hostname = expandTokens(v, alias, out);
        else if (l.key === 'user') out.user = v;
        else if (l.key === 'port') out.port = Number(v);
        else out.proxyJump = v;
      }
    }
    return out;
  }
}

/** A Host line matches when one pattern does and no negated one does. */
export function hostMatches(patterns: string[], host: string): boolean {
  let matched = false;
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (globRegExp(p.slice(1)).test(host)) return false;
    } else if (globRegExp(p).test(host)) matched = true;
  }
  return matched;
}

function expandTokens(value: string, alias: string, sofar: HostConfig): string {
  const home = homedir();
  const v = value.startsWith('~/') ? join(home, value.slice(2)) : value;
  return v.replace(/%([%hdnru])/g, (_, t: string) => {
    if (t === '%') return '%';
    if (t === 'h') return sofar.hostname ?? alias;
    if (t === 'n') return alias;
    if (t === 'd') return home;
    if (t === 'r') return sofar.user ?? '';
    return process.env.USER ?? 'root';
  });
}
