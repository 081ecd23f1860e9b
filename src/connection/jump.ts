import { TsPlayError } from '../base/errors.ts';

/** One jump host as written in ProxyJump or -J: `[user@]host[:port]`. */
export interface JumpSpec {
  user?: string;
  host: string;
  port?: number;
  /** `-i` of a ProxyCommand's ssh: the key for this hop. */
  identityFile?: string;
}

/** A bad ProxyJump, -J or ProxyCommand: bad input, named by where it was written. */
export class JumpSpecError extends TsPlayError {}

export function parsePort(text: string, what: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 65535) throw new JumpSpecError(`${what}: bad port '${text}' (a whole number from 1 to 65535)`);
  return Number(text);
}

/** `a,b,user@c:2222` (connected in that order), or `none`: no jump even where the ssh config names one. */
export function parseJumpList(text: string, where: string): JumpSpec[] | 'none' {
  if (text.trim().toLowerCase() === 'none') return 'none';
  return text.split(',').map((hop) => {
    const m = /^(?:([^@\s]*)@)?(\[[^\]]*\]|[^:@\s]*)(?::([^:]*))?$/.exec(hop.trim());
    const host = m?.[2]?.replace(/^\[|\]$/g, '') ?? '';
    if (!m || !host) throw new JumpSpecError(`${where}: bad jump host '${hop}' (expected [user@]host[:port])`);
    if (m[1] === '') throw new JumpSpecError(`${where}: empty user in jump host '${hop}'`);
    return { ...(m[1] ? { user: m[1] } : {}), host, ...(m[3] !== undefined ? { port: parsePort(m[3], `${where}: jump host '${hop}'`) } : {}) };
  });
}

/** Splits a command line as a POSIX shell would for plain words and quotes (Ansible runs shlex on these variables). */
export function shellWords(text: string, where: string): string[] {
  const out: string[] = [];
  let cur: string | null = null;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && /["\\$`]/.test(text[i + 1] ?? '')) cur += text[++i]!;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      cur ??= '';
    } else if (ch === '\\' && i + 1 < text.length) {
      cur = (cur ?? '') + text[++i]!;
    } else if (/\s/.test(ch)) {
      if (cur !== null) out.push(cur);
      cur = null;
    } else cur = (cur ?? '') + ch;
  }
  if (quote) throw new JumpSpecError(`${where}: unterminated ${quote} quote`);
  if (cur !== null) out.push(cur);
  return out;
}

/** `ssh -W %h:%p [-q] [-p PORT] [-l USER] [-i KEY] [user@]bastion`, the ProxyCommand idiom that predates ProxyJump. */
function fromProxyCommand(command: string, where: string): JumpSpec[] | 'none' {
  if (command.trim().toLowerCase() === 'none') return 'none';
  const w = shellWords(command, where);
  if (!/(^|\/)ssh$/.test(w[0] ?? '') || !w.includes('-W')) {
    throw new JumpSpecError(`${where}: ProxyCommand '${command}' is not supported; only 'ssh -W %h:%p [user@]jumphost' (or use ProxyJump / -J)`);
  }
  let user: string | undefined;
  let port: number | undefined;
  let identityFile: string | undefined;
  let host: string | undefined;
  for (let i = 1; i < w.length; i++) {
    const a = w[i]!;
    if (a === '-W') {
      if (w[++i] !== '%h:%p') throw new JumpSpecError(`${where}: ProxyCommand must forward to %h:%p, got '${w[i]}'`);
    } else if (a === '-p') port = parsePort(w[++i] ?? '', `${where}: ProxyCommand`);
    else if (a === '-l') user = w[++i];
    else if (a === '-i') identityFile = w[++i];
    else if (/^-[46AaCfGgKkMNnqsTtVvXxYy]+$/.test(a)) continue;
    else if (a.startsWith('-')) throw new JumpSpecError(`${where}: ProxyCommand option '${a}' is not supported`);
    else if (host === undefined) host = a;
    else throw new JumpSpecError(`${where}: ProxyCommand runs a command after the host ('${a}'), which is not supported`);
  }
  if (!host) throw new JumpSpecError(`${where}: ProxyCommand names no jump host`);
  const [hop] = parseJumpList(host, where) as JumpSpec[];
  return [{ ...hop!, ...(user ? { user } : {}), ...(port ? { port } : {}), ...(identityFile ? { identityFile } : {}) }];
}

/**
 * The jump hosts `ansible_ssh_common_args` / `ansible_ssh_extra_args` ask for (`-J`, `-o
 * ProxyJump=`, `-o ProxyCommand="ssh -W %h:%p ..."`), or undefined when they ask for none. As
 * with ssh's own options, the first one given wins; on ssh's command line they beat the config file.
 */
export function jumpsFromSshArgs(args: string, where: string): JumpSpec[] | 'none' | undefined {
  const w = shellWords(args, where);
  for (let i = 0; i < w.length; i++) {
    const a = w[i]!;
    if (a === '-J') return parseJumpList(w[i + 1] ?? '', `${where} (-J)`);
    if (a.startsWith('-J')) return parseJumpList(a.slice(2), `${where} (-J)`);
    let opt: string | undefined;
    if (a === '-o') opt = w[++i];
    else if (a.startsWith('-o')) opt = a.slice(2);
    if (opt === undefined) continue;
    const m = /^(\w+)\s*[=\s]\s*(.*)$/s.exec(opt.trim());
    const key = m?.[1]?.toLowerCase();
    if (key === 'proxyjump') return parseJumpList(m![2]!, `${where} (ProxyJump)`);
    if (key === 'proxycommand') return fromProxyCommand(m![2]!, `${where} (ProxyCommand)`);
  }
  return undefined;
}
