import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { VaultDecryptor } from '../vault/types.ts';
import { displayPath, InventoryError } from './errors.ts';
import type { VarOrigins } from './types.ts';
import { asMap, mappingVars, parseYaml } from './yaml.ts';

/** As Ansible: .yml, .yaml, .json, or no extension at all (group_vars/all/vault). */
const VARS_EXTENSIONS = new Set(['.yml', '.yaml', '.json', '']);

export interface VarsFile {
  /** The group or host the file is for. */
  name: string;
  file: string;
  vars: Record<string, unknown>;
  origins: VarOrigins;
}

function wanted(name: string): boolean {
  return !name.startsWith('.') && !name.endsWith('~') && VARS_EXTENSIONS.has(extname(name));
}

async function listDir(dir: string): Promise<import('node:fs').Dirent[] | null> {
  try {
    return (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw new InventoryError(`cannot read ${dir}: ${(e as Error).message}`);
  }
}

/** Every vars file under a directory form (group_vars/<group>/...), recursively, sorted by path. */
async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const d of (await listDir(dir)) ?? []) {
    const path = join(dir, d.name);
    if (d.isDirectory()) out.push(...(await filesUnder(path)));
    else if (d.isFile() && wanted(d.name)) out.push(path);
  }
  return out;
}

export async function readVarsFile(path: string, cwd: string, vault?: VaultDecryptor): Promise<{ file: string; vars: Record<string, unknown>; origins: VarOrigins }> {
  const file = displayPath(path, cwd);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new InventoryError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const src = parseYaml(text, file, vault);
  const root = asMap(src, src.doc.contents, `${file}:1`, 'a vars file must be a mapping of variables');
  return { file, ...mappingVars(src, root) };
}

/**
 * Reads `<base>/<kind>/`: `<name>.yml|.yaml|.json`, `<name>` and the directory form `<name>/**`,
 * in sorted order so that later files win predictably.
 */
export async function loadVarsDir(base: string, kind: 'group_vars' | 'host_vars', cwd: string, vault?: VaultDecryptor): Promise<VarsFile[]> {
  const dir = join(base, kind);
  const out: VarsFile[] = [];
  for (const d of (await listDir(dir)) ?? []) {
    const path = join(dir, d.name);
    if (d.isDirectory()) {
      for (const f of await filesUnder(path)) out.push({ name: d.name, ...(await readVarsFile(f, cwd, vault)) });
    } else if (d.isFile() && wanted(d.name)) {
      const ext = extname(d.name);
      out.push({ name: ext ? d.name.slice(0, -ext.length) : d.name, ...(await readVarsFile(path, cwd, vault)) });
    }
  }
  return out;
}
