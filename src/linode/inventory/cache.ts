// The inventory's on-disk cache: what the account held, so --list-* and repeated runs within
// cache_ttl cost no API call. It holds instance data only: never the token, whose hash (with
// the API URL and the selection) only names the file.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Instance } from './build.ts';
import type { LinodeInventoryConfig } from './config.ts';

interface CacheFile {
  version: 1;
  fetched_at: number;
  instances: Instance[];
}

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'ts-play', 'linode');
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export function cacheFile(dir: string, apiUrl: string, token: string, c: LinodeInventoryConfig): string {
  const key = { apiUrl, token: sha256(token), regions: c.regions, tags: c.tags, types: c.types, label: c.label_pattern?.source ?? null, vlans: c.include_vlans };
  return join(dir, `inventory-${sha256(JSON.stringify(key)).slice(0, 24)}.json`);
}

/** The cached instances when the file is younger than ttl seconds; a missing, stale or unreadable file is a miss. */
export async function readCache(file: string, ttlSeconds: number, now = Date.now()): Promise<Instance[] | undefined> {
  try {
    const data = JSON.parse(await readFile(file, 'utf8')) as CacheFile;
    if (data.version !== 1 || !Array.isArray(data.instances)) return undefined;
    if (now - data.fetched_at > ttlSeconds * 1000 || data.fetched_at > now) return undefined;
    return data.instances;
  } catch {
    return undefined;
  }
}

export async function writeCache(file: string, instances: Instance[], now = Date.now()): Promise<void> {
  const dir = join(file, '..');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  const body: CacheFile = { version: 1, fetched_at: now, instances };
  await writeFile(tmp, JSON.stringify(body), { mode: 0o600 });
  await rename(tmp, file);
}
