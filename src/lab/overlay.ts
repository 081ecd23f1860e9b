import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hostRoot, hostStateDir } from './paths.ts';
import { must, run } from './run.ts';
import { makeHostKey } from './ssh-keys.ts';
import { type HostSpec, LAB, labHosts, mgmtIp } from './topology.ts';
import { ROUTESERVER_PACKAGES } from './recipe.ts';
import { birdConf, routeServerSpec } from './routeserver.ts';

const SERVER_UNITS = ['tsp-http204.service', 'tsp-iperf3.service'];

async function enable(root: string, units: string[]): Promise<void> {
  const wants = join(root, 'etc/systemd/system/multi-user.target.wants');
  await mkdir(wants, { recursive: true });
  for (const u of units) await symlink(`/etc/systemd/system/${u}`, join(wants, u));
}

/** BIRD from the image's offline repository, and its configuration. */
async function makeRouteServer(h: HostSpec, root: string): Promise<void> {
  await must(['mount', '-t', 'proc', 'proc', join(root, 'proc')]);
  try {
    await must(['chroot', root, 'apt-get', '-q', '-y', 'install', '--no-install-recommends', ...ROUTESERVER_PACKAGES], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C' },
    });
  } finally {
    await run(['umount', join(root, 'proc')]);
  }
  await writeFile(join(root, 'etc/bird/bird.conf'), birdConf(routeServerSpec(h.name)));
}

export function isMounted(dir: string): boolean {
  return readFileSync('/proc/mounts', 'utf8').split('\n').some((l) => l.split(' ')[1] === dir);
}

function hostsFile(): string {
  const lines = ['127.0.0.1 localhost', '::1 localhost ip6-localhost ip6-loopback'];
  for (const h of labHosts(LAB.maxLight)) lines.push(`${mgmtIp(h)} ${h.name}`);
  return lines.join('\n') + '\n';
}

/** What makes a host itself: name, machine-id, host key, enabled units. Done once per overlay. */
async function personalize(h: HostSpec, root: string): Promise<void> {
  await writeFile(join(root, 'etc/hostname'), `${h.name}\n`);
  await writeFile(join(root, 'etc/hosts'), hostsFile());
  await writeFile(join(root, 'etc/machine-id'), randomBytes(16).toString('hex') + '\n');
  await makeHostKey(join(root, 'etc/ssh'), h.name);
  if (h.kind === 'server') await enable(root, SERVER_UNITS);
  if (h.kind === 'routeserver') await makeRouteServer(h, root);
}

/**
 * Mounts the host's copy-on-write root (base image below, its own upper dir
 * above). The upper dir persists across reboots and goes with `down`.
 * Returns the host's public host key.
 */
export async function ensureOverlay(h: HostSpec, base: string, authorizedKey: string): Promise<string> {
  const dir = hostStateDir(h.name);
  const root = hostRoot(h.name);
  const baseFile = join(dir, 'base');
  const done = join(dir, 'personalized');
  // An upper dir written over another base image would not match its lower dir: start afresh.
  if (existsSync(baseFile) && (await readFile(baseFile, 'utf8')) !== base) {
    if (isMounted(root)) await must(['umount', root]);
    await rm(dir, { recursive: true, force: true });
  }
  for (const d of ['upper', 'work', 'root']) await mkdir(join(dir, d), { recursive: true });
  await writeFile(baseFile, base);
  if (!isMounted(root)) {
    const opts = `lowerdir=${base},upperdir=${join(dir, 'upper')},workdir=${join(dir, 'work')}`;
    await must(['mount', '-t', 'overlay', `tsp-${h.name}`, '-o', opts, root]);
  }
  if (!existsSync(done)) {
    await personalize(h, root);
    await writeFile(done, '');
  }
  const ssh = join(root, 'root/.ssh');
  await mkdir(ssh, { recursive: true, mode: 0o700 });
  await writeFile(join(ssh, 'authorized_keys'), authorizedKey + '\n', { mode: 0o600 });
  return readFile(join(root, 'etc/ssh/ssh_host_ed25519_key.pub'), 'utf8');
}

export async function removeOverlay(host: string): Promise<void> {
  const root = hostRoot(host);
  if (isMounted(root)) {
    const r = await run(['umount', root]);
    if (r.code !== 0) await must(['umount', '-l', root]);
  }
  await rm(hostStateDir(host), { recursive: true, force: true });
}
