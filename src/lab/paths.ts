import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';

/** The project root, from this module's location: the lab must not depend on the caller's cwd. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Gitignored: the lab's SSH key, known_hosts and light inventory. */
export const LAB_DIR = join(PROJECT_ROOT, '.lab');
export const KEY_FILE = join(LAB_DIR, 'id_ed25519');
export const KNOWN_HOSTS = join(LAB_DIR, 'known_hosts');
export const LIGHT_INVENTORY = join(LAB_DIR, 'light.yml');
export const INVENTORY = join(PROJECT_ROOT, 'inventory', 'lab.yml');
export const BASTION_INVENTORY = join(PROJECT_ROOT, 'inventory', 'lab-bastion.yml');

/** The base image survives `down` and is shared by later runs and CI on the same machine. */
export const CACHE_DIR = '/var/cache/ts-play';
/** Per-host overlays (upper, work, merged root); removed by `down`. */
export const STATE_DIR = '/var/lib/ts-play-lab';
/** Pid files, logs and cable state; removed by `down`. */
export const RUN_DIR = '/run/ts-play-lab';

export const hostStateDir = (host: string): string => join(STATE_DIR, host);
export const hostRoot = (host: string): string => join(STATE_DIR, host, 'root');
export const pidFile = (host: string): string => join(RUN_DIR, `${host}.pid`);
export const logFile = (host: string): string => join(RUN_DIR, `${host}.log`);
/** Present while the lab runs in bastion mode (`up --bastion`), so reboots and repairs keep its shape; removed by `down`. */
export const BASTION_MARK = join(RUN_DIR, 'bastion-mode');
