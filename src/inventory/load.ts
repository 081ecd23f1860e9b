import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import type { VaultDecryptor } from '../vault/types.ts';
import { displayPath, InventoryError } from './errors.ts';
import { finalize } from './graph.ts';
import { addFragment, addInventoryFile, newBuilder } from './inventory-file.ts';
import { pluginOf, runPlugin, type InventoryPlugin } from './plugins.ts';
import type { Inventory } from './types.ts';
import { loadVarsDir } from './vars-files.ts';
import { parseYaml, setVar } from './yaml.ts';

export interface LoadOptions {
  vault?: VaultDecryptor;
  /** Base for relative paths and for the file names shown in messages (default: process.cwd()). */
  cwd?: string;
  /** Inventory plugins by the name a file's `plugin:` key gives (the CLI registers `linode`). */
  plugins?: Record<string, InventoryPlugin>;
}

const INVENTORY_EXTENSIONS = new Set(['.yml', '.yaml']);

/** The files one -i names: the file itself, or a directory's .yml/.yaml files in sorted order. */
async function inventoryFiles(path: string, cwd: string): Promise<{ files: string[]; base: string }> {
  const abs = resolve(cwd, path);
  let isDir: boolean;
  try {
    isDir = (await stat(abs)).isDirectory();
  } catch {
    throw new InventoryError(`inventory file not found: ${path}`);
  }
  if (!isDir) {
    // An INI inventory would otherwise fail as "malformed YAML", which misleads.
    if (!INVENTORY_EXTENSIONS.has(extname(abs)) && extname(abs) !== '.json') {
      const text = await readFile(abs, 'utf8');
      if (/^\s*\[[^\]]+\]\s*$/m.test(text)) {
        throw new InventoryError(`${path}: INI inventories are not supported; convert it to YAML (ansible-inventory -i ${path} --list -y)`);
      }
    }
    return { files: [abs], base: dirname(abs) };
  }
  const names = (await readdir(abs)).filter((n) => INVENTORY_EXTENSIONS.has(extname(n)) && !n.startsWith('.')).sort();
  if (names.length === 0) throw new InventoryError(`inventory directory ${path} holds no .yml or .yaml file`);
  return { files: names.map((n) => join(abs, n)), base: abs };
}

/** Adds group_vars/ (or host_vars/) files under `base` to the entries they name; unknown names are warnings. */
async function addVarsFiles(
  entries: Map<string, { fileVars: Record<string, unknown>; fileOrigins: Record<string, string> }>,
  base: string,
  kind: 'group_vars' | 'host_vars',
  opts: { cwd: string; vault?: VaultDecryptor },
  files: string[],
  warnings: string[],
): Promise<void> {
  for (const f of await loadVarsDir(base, kind, opts.cwd, opts.vault)) {
    files.push(f.file);
    const entry = entries.get(f.name);
    if (!entry) {
      warnings.push(`${f.file}: no inventory defines a ${kind === 'group_vars' ? 'group' : 'host'} '${f.name}'; its variables are ignored`);
      continue;
    }
    for (const [k, v] of Object.entries(f.vars)) {
      setVar(entry.fileVars, k, v);
      setVar(entry.fileOrigins, k, f.origins[k] ?? f.file);
    }
  }
}

/**
 * Loads one or more YAML inventories (each -i) into one inventory, with the group_vars/ and
 * host_vars/ folders found next to each. Later -i files add to and override earlier ones.
 */
export async function loadInventory(paths: string[], opts: LoadOptions = {}): Promise<Inventory> {
  const cwd = opts.cwd ?? process.cwd();
  if (paths.length === 0) throw new InventoryError('no inventory given: pass -i FILE');
  const b = newBuilder();
  const files: string[] = [];
  const warnings: string[] = [];
  const bases: string[] = [];
  for (const p of paths) {
    const { files: list, base } = await inventoryFiles(p, cwd);
    if (!bases.includes(base)) bases.push(base);
    for (const abs of list) {
      const file = displayPath(abs, cwd);
      const src = parseYaml(await readFile(abs, 'utf8'), file, opts.vault);
      if (pluginOf(src)) {
        const found = await runPlugin(opts.plugins, src, { file, path: abs, cwd, ...(opts.vault ? { vault: opts.vault } : {}) });
        addFragment(b, found);
        warnings.push(...found.warnings);
      } else {
        addInventoryFile(b, src);
      }
      files.push(file);
    }
  }
  const varsOpts = opts.vault ? { cwd, vault: opts.vault } : { cwd };
  for (const base of bases) {
    await addVarsFiles(b.groups, base, 'group_vars', varsOpts, files, warnings);
    await addVarsFiles(b.hosts, base, 'host_vars', varsOpts, files, warnings);
  }
  finalize(b);
  if (b.hosts.size === 0) warnings.push(`the inventory (${paths.join(', ')}) defines no host`);
  return { hosts: b.hosts, groups: b.groups, files, warnings };
}
