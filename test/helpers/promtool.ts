import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * Path of promtool/amtool from scripts/fetch-promtool.sh's cache (the Debian packages are never
 * installed on the control machine: they would start daemons). Fetches them on first use.
 */
export function tool(name: 'promtool' | 'amtool'): string {
  const dir = process.env.TSPLAY_TOOLS_DIR ? join(process.env.TSPLAY_TOOLS_DIR, 'bin') : join(ROOT, '.cache', 'tools', 'bin');
  const path = join(dir, name);
  if (!existsSync(path)) execFileSync('bash', [join(ROOT, 'scripts', 'fetch-promtool.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (!existsSync(path)) throw new Error(`${name} not found in ${dir} after scripts/fetch-promtool.sh`);
  return path;
}

export interface ToolResult {
  code: number;
  out: string;
}

export function run(bin: string, args: string[], cwd?: string): ToolResult {
  try {
    const out = execFileSync(bin, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { code: 0, out };
  } catch (e) {
    const err = e as { status?: number; stdout?: string; stderr?: string };
    return { code: err.status ?? 1, out: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}
