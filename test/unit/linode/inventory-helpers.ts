// Shared by the Linode inventory tests: a fake account served on 127.0.0.1 and a throwaway
// inventory folder whose linode.yml points at it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openInventory } from '../../../src/session/inventory-source.ts';
import { lazyDecryptor } from '../../../src/session/vault-password.ts';
import { gatewayAccount, type FakeAccount } from '../../helpers/linode-account.ts';
import { startFake, type FakeLinodeApi } from '../../helpers/linode-fake.ts';
import { tempTree } from '../inventory-helpers.ts';

export const TOKEN = 'fake-token-0123456789abcdef';

export interface Setup {
  fake: FakeLinodeApi;
  dir: string;
  cache: string;
  inventory: string;
}

/**
 * `config` is the YAML after lines 1-5 (plugin, api_url, token: with its vars_file, cache_dir);
 * `files` adds group_vars/host_vars, `$API_URL` in them standing for the fake's URL. With
 * `tokenFile: false` line 3-4 are comments and the token comes from LINODE_TOKEN.
 */
export async function setup(
  t: { teardown(fn: () => unknown): void },
  config = '',
  files: Record<string, string> = {},
  account: FakeAccount = gatewayAccount(),
  opts: { tokenFile?: boolean } = {},
): Promise<Setup> {
  const fake = await startFake(account, TOKEN);
  t.teardown(() => fake.stop());
  const token = opts.tokenFile === false ? '# token from LINODE_TOKEN\n#\n' : 'token:\n  vars_file: ../vault/linode.yml\n';
  const dir = await tempTree({
    'vault/linode.yml': `linode_token: ${TOKEN}\n`,
    'inventory/linode.yml': `plugin: linode\napi_url: ${fake.url}\n${token}cache_dir: ../cache\n${config}`,
    ...Object.fromEntries(Object.entries(files).map(([k, v]) => [`inventory/${k}`, v.replaceAll('$API_URL', fake.url)])),
  });
  return { fake, dir, cache: join(dir, 'cache'), inventory: join(dir, 'inventory/linode.yml') };
}

export function load(s: Setup) {
  return openInventory([s.inventory], lazyDecryptor(undefined));
}

export function cacheText(s: Setup): string {
  return readdirSync(s.cache).map((f) => readFileSync(join(s.cache, f), 'utf8')).join('\n');
}

/** Hosts of each group, sorted: what a table of expectations compares against. */
export function members(inv: Awaited<ReturnType<typeof load>>['inventory'], group: string): string[] {
  return [...inv.hosts.values()].filter((h) => h.groups.includes(group)).map((h) => h.name).sort();
}
