import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KEY_FILE, KNOWN_HOSTS, LAB_DIR } from './paths.ts';
import { type HostSpec, mgmtIp } from './topology.ts';
import { must } from './run.ts';

/** The lab's client key: made once, reused by every later `up`. */
export async function ensureClientKey(): Promise<string> {
  await mkdir(LAB_DIR, { recursive: true, mode: 0o700 });
  if (!existsSync(KEY_FILE) || !existsSync(`${KEY_FILE}.pub`)) {
    await rm(KEY_FILE, { force: true });
    await rm(`${KEY_FILE}.pub`, { force: true });
    await must(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'ts-play-lab', '-f', KEY_FILE]);
  }
  return (await readFile(`${KEY_FILE}.pub`, 'utf8')).trim();
}

/** A host key of the host's own, written into its overlay before its first boot. */
export async function makeHostKey(etcSsh: string, host: string): Promise<void> {
  const f = join(etcSsh, 'ssh_host_ed25519_key');
  await rm(f, { force: true });
  await rm(`${f}.pub`, { force: true });
  await must(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', `root@${host}`, '-f', f]);
}

/** One known_hosts line per host: its mgmt address and its name, then its public host key. */
export function knownHostsLine(h: HostSpec, pubKey: string): string {
  const [type, key] = pubKey.trim().split(/\s+/);
  // Behind the bastion a gateway is reached at its inner address: known_hosts names that too.
  const inner = (h.addrs.inner ?? []).map((a) => `,${a.split('/')[0]}`).join('');
  return `${mgmtIp(h)},${h.name}${inner} ${type} ${key}`;
}

export async function writeKnownHosts(lines: string[]): Promise<void> {
  await mkdir(LAB_DIR, { recursive: true, mode: 0o700 });
  await writeFile(KNOWN_HOSTS, lines.join('\n') + '\n');
}
