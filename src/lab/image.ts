import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, rm, rename, writeFile, readdir, symlink, chmod, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CACHE_DIR } from './paths.ts';
import {
  BASE_PACKAGES, HTTP204_PY, MASKED, RECIPE_VERSION, REPO_DIR, REPO_PACKAGES, SSHD_CONF, SUITE, UNITS,
} from './recipe.ts';
import { LabError, must, run } from './run.ts';

const MACHINE_SOURCES = '/etc/apt/sources.list.d/debian.sources';

/** Changes whenever the recipe does: a new stamp means a new base image. */
export function imageStamp(): string {
  const recipe = JSON.stringify({ RECIPE_VERSION, SUITE, BASE_PACKAGES, REPO_PACKAGES, HTTP204_PY, UNITS, MASKED, SSHD_CONF });
  return createHash('sha256').update(recipe).digest('hex').slice(0, 12);
}

export function baseImageDir(stamp = imageStamp()): string {
  return join(CACHE_DIR, `base-${stamp}`);
}

export function imageReady(dir = baseImageDir()): boolean {
  return existsSync(join(dir, '.tsp-stamp'));
}

function mirror(): string {
  try {
    const m = /^URIs:\s*(\S+)/m.exec(readFileSync(MACHINE_SOURCES, 'utf8'));
    if (m) return m[1]!;
  } catch {
    // no deb822 sources on the machine: fall back to Debian's archive
  }
  return 'http://deb.debian.org/debian';
}

const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C' };

async function chrootApt(root: string, args: string[]): Promise<void> {
  try {
    await must(['chroot', root, 'apt-get', '-q', '-y', ...args], { env: aptEnv });
  } catch (e) {
    throw new LabError(`building the host image: apt-get ${args.join(' ')} failed in the image\n${(e as Error).message}`);
  }
}

/** Downloads the gateway packages with their dependencies into a flat apt repository inside the image. */
async function buildRepo(root: string): Promise<void> {
  await chrootApt(root, ['clean']);
  await chrootApt(root, ['install', '--download-only', ...REPO_PACKAGES]);
  const archives = join(root, 'var/cache/apt/archives');
  const repo = join(root, REPO_DIR);
  await mkdir(repo, { recursive: true });
  for (const f of await readdir(archives)) {
    if (f.endsWith('.deb')) await rename(join(archives, f), join(repo, f));
  }
  const packages = await must(['dpkg-scanpackages', '--multiversion', '.', '/dev/null'], { cwd: repo });
  await writeFile(join(repo, 'Packages'), packages);
  // Only the local repository: lab hosts have no route out, as the roles must expect.
  await rm(join(root, 'etc/apt/sources.list.d/debian.sources'), { force: true });
  await rm(join(root, 'etc/apt/sources.list'), { force: true });
  await writeFile(join(root, 'etc/apt/sources.list.d/ts-play.list'), `deb [trusted=yes] file:${REPO_DIR} ./\n`);
  await chrootApt(root, ['update']);
}

async function configure(root: string): Promise<void> {
  for (const f of await readdir(join(root, 'etc/ssh'))) {
    if (f.startsWith('ssh_host_')) await rm(join(root, 'etc/ssh', f));
  }
  await writeFile(join(root, 'etc/ssh/sshd_config.d/ts-play.conf'), SSHD_CONF);
  await mkdir(join(root, 'usr/local/lib/ts-play'), { recursive: true });
  await writeFile(join(root, 'usr/local/lib/ts-play/http204.py'), HTTP204_PY);
  await chmod(join(root, 'usr/local/lib/ts-play/http204.py'), 0o755);
  for (const [name, text] of Object.entries(UNITS)) {
    await writeFile(join(root, 'etc/systemd/system', name), text);
  }
  for (const unit of MASKED) {
    await rm(join(root, 'etc/systemd/system', unit), { force: true });
    await symlink('/dev/null', join(root, 'etc/systemd/system', unit));
  }
  // Each host gets its own machine-id, hostname and keys in its overlay.
  await writeFile(join(root, 'etc/machine-id'), '');
  await rm(join(root, 'var/lib/dbus/machine-id'), { force: true });
  await mkdir(join(root, 'root/.ssh'), { recursive: true, mode: 0o700 });
  // root's service manager stays up between logins. Without it, logind stops user@0.service
  // 10 s after the last session, and in these containers (cgroup v1 under nspawn systemd
  // cannot empty or watch the unit's cgroup: "Failed to kill control group ... Input/output
  // error") that stop now and then hangs for its whole timeout, two minutes in which every new
  // root login waits in pam_systemd: ts-play's connections timed out on it (issue 12).
  await mkdir(join(root, 'var/lib/systemd/linger'), { recursive: true });
  await writeFile(join(root, 'var/lib/systemd/linger/root'), '');
}

/** Builds the base image unless the cache holds one with the current stamp; returns its directory. */
export async function ensureImage(log: (msg: string) => void = () => {}): Promise<string> {
  const stamp = imageStamp();
  const dir = baseImageDir(stamp);
  if (imageReady(dir)) return dir;
  const tmp = `${dir}.build`;
  log(`building the host image ${dir} (debootstrap, a few minutes)`);
  // A crashed earlier build may have left its /proc mounted inside the tree.
  if (readFileSync('/proc/mounts', 'utf8').includes(` ${join(tmp, 'proc')} `)) await run(['umount', join(tmp, 'proc')]);
  await rm(tmp, { recursive: true, force: true });
  await mkdir(CACHE_DIR, { recursive: true });
  const t0 = Date.now();
  try {
    await must(
      ['debootstrap', '--variant=minbase', `--include=${BASE_PACKAGES.join(',')}`, SUITE, tmp, mirror()],
      { env: aptEnv },
    );
  } catch (e) {
    throw new LabError(`building the host image: debootstrap failed\n${(e as Error).message}`);
  }
  await copyFile(MACHINE_SOURCES, join(tmp, 'etc/apt/sources.list.d/debian.sources'));
  await must(['mount', '-t', 'proc', 'proc', join(tmp, 'proc')]);
  try {
    await chrootApt(tmp, ['update']);
    // Installed packages at their latest point release, so the repository needs no older dependencies.
    await chrootApt(tmp, ['upgrade']);
    await buildRepo(tmp);
    await chrootApt(tmp, ['clean']);
  } finally {
    await run(['umount', join(tmp, 'proc')]);
  }
  await configure(tmp);
  await writeFile(join(tmp, '.tsp-stamp'), `${stamp}\n`);
  await rename(tmp, dir);
  log(`host image built in ${Math.round((Date.now() - t0) / 1000)} s`);
  pruneOldImages(dir);
  return dir;
}

/** Removes base images of older recipes that no mounted overlay still uses. */
function pruneOldImages(keep: string): void {
  const mounts = readFileSync('/proc/mounts', 'utf8');
  for (const d of readdirSync(CACHE_DIR)) {
    const p = join(CACHE_DIR, d);
    if (p === keep || !d.startsWith('base-') || mounts.includes(p)) continue;
    void rm(p, { recursive: true, force: true });
  }
}
