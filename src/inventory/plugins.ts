import { isScalar } from 'yaml';
import type { VaultDecryptor } from '../vault/types.ts';
import { InventoryError } from './errors.ts';
import type { VarOrigins } from './types.ts';
import { asMap, entries, type YamlSource } from './yaml.ts';

/**
 * Hosts and groups an inventory plugin found (a cloud account, for instance), added to the
 * inventory as a static file's would be: group_vars/ and host_vars/ next to the plugin's file
 * apply to them, and patterns and --limit see no difference.
 */
export interface InventoryFragment {
  groups: Array<{ name: string; where: string; parents: string[] }>;
  hosts: Array<{ name: string; where: string; groups: string[]; vars: Record<string, unknown>; origins: VarOrigins }>;
  warnings: string[];
}

export interface PluginContext {
  /** The plugin file as shown in messages, and its absolute path. */
  file: string;
  path: string;
  cwd: string;
  vault?: VaultDecryptor;
}

/** Reads a plugin file (its YAML already parsed) into hosts and groups; errors name file:line. */
export type InventoryPlugin = (src: YamlSource, ctx: PluginContext) => Promise<InventoryFragment>;

/**
 * `plugin: NAME` at the top of a YAML inventory marks it as a plugin's configuration rather
 * than a static inventory (as in Ansible). A static inventory cannot hold such a key: a
 * top-level key with a plain value is refused there.
 */
export function pluginOf(src: YamlSource): { name: string; where: string } | undefined {
  if (!src.doc.contents) return undefined;
  const root = asMap(src, src.doc.contents, `${src.file}:1`, "an inventory must be a mapping with 'all:' at the top");
  const e = entries(src, root).find((x) => x.key === 'plugin');
  if (!e || !isScalar(e.value) || typeof e.value.value !== 'string') return undefined;
  return { name: e.value.value, where: e.where };
}

export async function runPlugin(plugins: Record<string, InventoryPlugin> | undefined, src: YamlSource, ctx: PluginContext): Promise<InventoryFragment> {
  const p = pluginOf(src)!;
  const fn = plugins?.[p.name];
  if (!fn) {
    const known = Object.keys(plugins ?? {});
    throw new InventoryError(`${p.where}: unknown inventory plugin '${p.name}' (known: ${known.length ? known.join(', ') : 'none here'})`);
  }
  return fn(src, ctx);
}
