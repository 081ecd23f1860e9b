import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { RUN_DIR } from './paths.ts';
import type { Iface } from './topology.ts';

/** Cables pulled with `link HOST IFACE down`: a reboot keeps them pulled, `up` replugs them. */
const FILE = join(RUN_DIR, 'pulled.json');

export type Pulled = Record<string, Iface[]>;

export async function readPulled(): Promise<Pulled> {
  try {
    return JSON.parse(await readFile(FILE, 'utf8')) as Pulled;
  } catch {
    return {};
  }
}

export async function writePulled(p: Pulled): Promise<void> {
  await mkdir(RUN_DIR, { recursive: true });
  await writeFile(FILE, JSON.stringify(p) + '\n');
}

export function withCable(p: Pulled, host: string, iface: Iface, up: boolean): Pulled {
  const rest = (p[host] ?? []).filter((i) => i !== iface);
  const next: Pulled = { ...p, [host]: up ? rest : [...rest, iface] };
  if (next[host]!.length === 0) delete next[host];
  return next;
}
