// A package made for the maintenance test: tsp-maint-probe, built with dpkg-deb on this machine
// and put into a lab host's offline repository (REPO_DIR inside its overlay), so a maintenance
// window has something to upgrade without a route to Debian's archive. Version 1.1's postinst
// asks for a reboot the way Debian packages do (/run/reboot-required), so the window's default
// maintenance_reboot=needed reboots the node after upgrading it.
import { chmod, copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostRoot } from './paths.ts';
import { REPO_DIR } from './recipe.ts';
import { LabError, must } from './run.ts';

export const MAINT_PROBE = 'tsp-maint-probe';

const VERSION = /^\d+(\.\d+)*$/;

function control(version: string, rebootRequired: boolean): string {
  return [
    `Package: ${MAINT_PROBE}`,
    `Version: ${version}`,
    'Architecture: all',
    'Maintainer: ts-play lab <lab@ts-play.invalid>',
    'Section: misc',
    'Priority: optional',
    `Description: ts-play lab: a package the maintenance test upgrades`,
    rebootRequired ? ' This version asks for a reboot (/run/reboot-required), as a kernel or libc update does.' : ' This version needs no reboot.',
    '',
  ].join('\n');
}

// Debian's convention (update-notifier's notify-reboot-required): the flag file and who asked.
const POSTINST_REBOOT = `#!/bin/sh
set -e
if [ "$1" = configure ]; then
  touch /run/reboot-required
  grep -qx ${MAINT_PROBE} /run/reboot-required.pkgs 2>/dev/null || echo ${MAINT_PROBE} >> /run/reboot-required.pkgs
fi
`;

/** Builds tsp-maint-probe_<version>_all.deb in `outDir`; returns its path. */
export async function buildMaintProbe(version: string, opts: { rebootRequired: boolean; outDir: string }): Promise<string> {
  if (!VERSION.test(version)) throw new LabError(`${MAINT_PROBE}: not a version: ${JSON.stringify(version)}`);
  const root = await mkdtemp(join(tmpdir(), 'tsp-maint-probe-'));
  try {
    await mkdir(join(root, 'DEBIAN'), { recursive: true, mode: 0o755 });
    await writeFile(join(root, 'DEBIAN/control'), control(version, opts.rebootRequired));
    if (opts.rebootRequired) {
      await writeFile(join(root, 'DEBIAN/postinst'), POSTINST_REBOOT);
      await chmod(join(root, 'DEBIAN/postinst'), 0o755);
    }
    const share = join(root, 'usr/share', MAINT_PROBE);
    await mkdir(share, { recursive: true, mode: 0o755 });
    await writeFile(join(share, 'VERSION'), `${version}\n`);
    await chmod(root, 0o755);
    const deb = join(opts.outDir, `${MAINT_PROBE}_${version}_all.deb`);
    await must(['dpkg-deb', '--root-owner-group', '--build', root, deb]);
    return deb;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** The host's repository index, rebuilt from the .debs in it (as the image build makes it). */
async function reindex(repo: string): Promise<void> {
  const packages = await must(['dpkg-scanpackages', '--multiversion', '.', '/dev/null'], { cwd: repo });
  await writeFile(join(repo, 'Packages'), packages);
}

/** Puts .debs into a running lab host's offline repository; the host sees them after `apt-get update`. */
export async function addToLabRepo(host: string, debs: string[]): Promise<void> {
  const repo = join(hostRoot(host), REPO_DIR);
  for (const deb of debs) await copyFile(deb, join(repo, deb.split('/').pop()!));
  await reindex(repo);
}

/** Takes every build of the probe package out of the host's repository again. */
export async function removeFromLabRepo(host: string): Promise<void> {
  const repo = join(hostRoot(host), REPO_DIR);
  for (const f of await readdir(repo)) if (f.startsWith(`${MAINT_PROBE}_`)) await rm(join(repo, f), { force: true });
  await reindex(repo);
}
