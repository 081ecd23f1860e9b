import type { Probe } from '../connection/batch.ts';
import type { ExecResult } from '../connection/types.ts';
import { trimStderr } from '../connection/errors.ts';

/** Debian packages as dpkg records them: the status flags and version of each name asked for. */
export interface InstalledPackage {
  status: string;
  version: string;
}

export type PackageState = { packages: Record<string, InstalledPackage> } | { error: string };

const FORMAT = '${Package}\\t${db:Status-Abbrev}\\t${Version}\\n';

export function packagesProbe(names: readonly string[]): Probe {
  return { argv: ['dpkg-query', '-W', '-f', FORMAT, '--', ...names] };
}

/** Installed, the way dpkg means it: status i (installed) or t/W (triggers pending), no error flag. */
export function isInstalled(p: InstalledPackage | undefined): boolean {
  return !!p && /^.[itW] ?$/.test(p.status);
}

/** Parses packagesProbe's answer; packages dpkg never heard of are simply absent (exit 1 with a note on stderr). */
export function parseDpkgQuery(r: ExecResult): PackageState {
  if (r.code !== 0 && r.code !== 1) return { error: `dpkg-query exited ${r.code}: ${trimStderr(r.stderr)}` };
  const packages: Record<string, InstalledPackage> = {};
  for (const line of r.stdout.split('\n')) {
    const [name, status, version] = line.split('\t');
    if (!name || status === undefined || version === undefined) continue;
    const prev = packages[name];
    if (!isInstalled(prev)) packages[name] = { status, version };
  }
  return { packages };
}
