// Which engine a ts-play process runs. Compiling the engine's TypeScript at every start cost
// 0.7-0.9 s, so `npm run build` (also npm's prepare on install) emits it to dist/ with a stamp
// of the sources it came from. A build whose stamp does not match src/ is never run: the
// process says so and runs src/ through tsx instead, which is always current, only slower.
// Plain JavaScript: this runs before any TypeScript can be loaded.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const STAMP_FILE = '.build-stamp.json';
// The emitted JavaScript depends on the compiler options as much as on the sources.
const CONFIGS = ['tsconfig.json', 'tsconfig.build.json'];

/** Every input of the build (src/ and the configs), path -> sha256 of its content. */
export function sourceDigests(root = ROOT) {
  const files = readdirSync(join(root, 'src'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath ?? e.path, e.name)).split(sep).join('/'));
  const out = {};
  for (const f of [...files.sort(), ...CONFIGS]) {
    out[f] = existsSync(join(root, f)) ? createHash('sha256').update(readFileSync(join(root, f))).digest('hex') : 'absent';
  }
  return out;
}

/** Why dist/ under root does not match the sources, or undefined when it does. */
export function staleness(root = ROOT) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(root, 'dist', STAMP_FILE), 'utf8'));
  } catch {
    return 'the engine has not been built (no dist/' + STAMP_FILE + ')';
  }
  const now = sourceDigests(root);
  const built = stamp.files ?? {};
  const changed = Object.keys(now).filter((f) => built[f] !== now[f]);
  const gone = Object.keys(built).filter((f) => !(f in now));
  if (changed.length === 0 && gone.length === 0) return undefined;
  const named = [...changed, ...gone];
  const more = named.length > 1 ? ` and ${named.length - 1} more` : '';
  return `the engine in dist/ was built from other sources (${named[0]}${more} changed since the build)`;
}

/**
 * The engine to load: `dist` (prebuilt, current) or `source` (src/ through tsx). TSPLAY_ENGINE
 * chooses: `source` always runs src/ (the tests: they test the code they import), `dist`
 * refuses anything but a current build (the benchmark: it must measure what users run).
 */
export function chooseEngine(root = ROOT, env = process.env) {
  const at = (dir, ext) => (rel) => pathToFileURL(join(root, dir, rel + ext)).href;
  const source = { kind: 'source', module: at('src', '.ts') };
  if (env.TSPLAY_ENGINE === 'source') return source;
  const stale = staleness(root);
  if (!stale) return { kind: 'dist', module: at('dist', '.js') };
  const fix = '`npm run build` makes it current';
  if (env.TSPLAY_ENGINE === 'dist') return { kind: 'refused', error: `ts-play: ${stale}; TSPLAY_ENGINE=dist runs only a current build: ${fix}\n` };
  return { ...source, notice: `ts-play: ${stale}: running src/ through tsx instead (slower start); ${fix}\n` };
}
