import { createHmac } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { readControlFile } from './control-files.ts';

export interface KnownKey {
  type: string;
  key: string; // base64 blob
  line: number;
  revoked: boolean;
}

/** How OpenSSH names a host in known_hosts: plain for port 22, `[host]:port` otherwise. */
export function hostToken(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globMatch(pattern: string, name: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(name);
}

function hashedMatch(entry: string, name: string): boolean {
  const [, magic, salt, hash] = entry.split('|');
  if (magic !== '1' || !salt || !hash) return false;
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
}

function patternsMatch(field: string, name: string): boolean {
  if (field.startsWith('|')) return hashedMatch(field, name);
  let matched = false;
  for (const p of field.split(',')) {
    if (p.startsWith('!')) {
      if (globMatch(p.slice(1), name)) return false;
    } else if (globMatch(p, name)) matched = true;
  }
  return matched;
}

/** Keys known_hosts lists for a host (plain, hashed and wildcard entries; @revoked marked). */
export function lookupKnownHosts(file: string, host: string, port: number): KnownKey[] {
  // Bounded and regular files only: a directory or a path under /proc is bad input, not a hang.
  const text = readControlFile({ path: file, what: 'known_hosts file' }, true);
  if (text === undefined) return [];
  const name = hostToken(host, port);
  const out: KnownKey[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let revoked = false;
    if (fields[0]?.startsWith('@')) {
      const marker = fields.shift();
      if (marker === '@cert-authority') return; // certificates are not supported: such a line vouches for nothing here
      revoked = marker === '@revoked';
    }
    const [hosts, type, key] = fields;
    if (!hosts || !type || !key) return;
    if (patternsMatch(hosts, name)) out.push({ type, key, line: i + 1, revoked });
  });
  return out;
}

export function appendKnownHost(file: string, host: string, port: number, type: string, key: string): void {
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${hostToken(host, port)} ${type} ${key}\n`, { mode: 0o600 });
}

/** The key type named inside an SSH public key blob (its first length-prefixed string). */
export function keyBlobType(blob: Buffer): string {
  const len = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + len).toString('ascii');
}
