import { isInstalled, packagesProbe, parseDpkgQuery } from '../facts/packages.ts';
import { MACHINE_PACKAGES } from './recipe.ts';
import { LabError, run } from './run.ts';

export function requireRoot(): void {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new LabError('the lab needs root (network namespaces, bridges, mounts, systemd-nspawn): run it as root');
  }
}

async function installed(pkgs: string[]): Promise<Set<string>> {
  const state = parseDpkgQuery(await run(packagesProbe(pkgs).argv));
  if ('error' in state) return new Set();
  return new Set(Object.entries(state.packages).filter(([, p]) => isInstalled(p)).map(([name]) => name.split(':')[0]!));
}

/** Installs the machine packages the lab needs that are missing; returns what it installed. */
export async function ensureMachinePackages(
  log: (m: string) => void = () => {},
  wanted: string[] = [...new Set(Object.values(MACHINE_PACKAGES))],
): Promise<string[]> {
  const have = await installed(wanted);
  const missing = wanted.filter((p) => !have.has(p));
  if (missing.length === 0) return [];
  log(`installing on this machine: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const upd = await run(['apt-get', '-q', 'update'], { env });
  if (upd.code !== 0) throw new LabError(`apt-get update failed (exit ${upd.code}):\n${upd.stderr.trim().slice(-600)}`);
  const inst = await run(['apt-get', '-q', '-y', 'install', '--no-install-recommends', ...missing], { env });
  if (inst.code !== 0) {
    const now = await installed(missing);
    const failed = missing.filter((p) => !now.has(p));
    throw new LabError(
      `cannot install ${failed.join(', ')} on this machine (apt-get install exit ${inst.code}):\n${inst.stderr.trim().slice(-600)}`,
    );
  }
  return missing;
}
