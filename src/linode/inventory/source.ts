// `plugin: linode`: an inventory read from the Linode account (docs/linode.md).
import { homedir } from 'node:os';
import pLimit from 'p-limit';
import { dirname, isAbsolute, resolve } from 'node:path';
import { InventoryError } from '../../inventory/errors.ts';
import type { InventoryFragment, PluginContext } from '../../inventory/plugins.ts';
import { readVarsFile } from '../../inventory/vars-files.ts';
import type { YamlSource } from '../../inventory/yaml.ts';
import { instanceVlans, listInstances } from '../api.ts';
import { LinodeClient } from '../client.ts';
import { LinodeApiError, type LinodeToken } from '../errors.ts';
import { findToken, TOKEN_ENV } from '../token.ts';
import { buildFragment, selected, type Instance } from './build.ts';
import { cacheFile, defaultCacheDir, readCache, writeCache } from './cache.ts';
import { readConfig, type LinodeInventoryConfig } from './config.ts';

function pathFrom(base: string, p: string): string {
  if (p.startsWith('~/')) return resolve(homedir(), p.slice(2));
  return isAbsolute(p) ? p : resolve(base, p);
}

async function token(c: LinodeInventoryConfig, ctx: PluginContext): Promise<LinodeToken> {
  let value: unknown;
  let origin = '';
  if (c.token) {
    const r = await readVarsFile(pathFrom(dirname(ctx.path), c.token.vars_file), ctx.cwd, ctx.vault);
    value = r.vars[c.token.var];
    if (typeof value !== 'string' || value.trim() === '') throw new InventoryError(`${c.token.where}: ${r.file} holds no ${c.token.var} (the Linode API token)`);
    origin = `variable ${c.token.var} (${r.origins[c.token.var]})`;
  }
  const t = findToken(value, origin);
  if (!t) throw new InventoryError(`${c.where}: no Linode API token: set ${TOKEN_ENV}, or name a vaulted vars file under token: (docs/linode.md)`);
  return t;
}

/** The selected instances, with their VLAN interfaces when include_vlans asks for them. */
async function fetchInstances(client: LinodeClient, c: LinodeInventoryConfig): Promise<Instance[]> {
  const all = (await listInstances(client)).filter((l) => selected(c, l)).sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  if (!c.include_vlans) return all.map((linode) => ({ linode }));
  // A few at a time: one request per instance, well inside the API's per-minute limits.
  const limit = pLimit(4);
  return Promise.all(all.map((linode) => limit(async () => ({ linode, vlans: await instanceVlans(client, linode) }))));
}

export async function linodeInventory(src: YamlSource, ctx: PluginContext): Promise<InventoryFragment> {
  const c = readConfig(src);
  const t = await token(c, ctx);
  const client = new LinodeClient({ token: t, ...(c.api_url ? { apiUrl: c.api_url } : {}), timeoutMs: c.timeout * 1000 });
  const file = cacheFile(c.cache_dir ? pathFrom(dirname(ctx.path), c.cache_dir) : defaultCacheDir(), client.apiUrl, t.value, c);
  const warnings: string[] = [];
  let instances = c.cache_ttl > 0 ? await readCache(file, c.cache_ttl) : undefined;
  if (!instances) {
    try {
      instances = await fetchInstances(client, c);
    } catch (e) {
      if (e instanceof LinodeApiError) throw new InventoryError(`${c.where}: reading the Linode account failed: ${e.message}`);
      throw e;
    }
    if (c.cache_ttl > 0) {
      try {
        await writeCache(file, instances);
      } catch (e) {
        // The run needs the instances, not the cache: the next one reads the API again.
        warnings.push(`${c.where}: cannot write the Linode inventory cache ${file}: ${(e as Error).message}`);
      }
    }
  }
  const found = buildFragment(c, instances);
  found.warnings.push(...warnings);
  return found;
}
