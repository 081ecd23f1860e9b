/**
 * Reads the imports of TypeScript/JavaScript sources and checks them against the layer table
 * (test/helpers/layers.ts): no upward import, no import between sibling folders, roles and
 * playbooks through the package entry only, and no cycle. Works on a map of path -> source
 * so that a test can feed it a synthetic tree and prove it catches each kind of violation.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import ts from 'typescript';
import { API_ONLY, FLOORS, PACKAGE_NAME, type Layer } from './layers.ts';

export interface Violation {
  file: string;
  import: string;
  problem: string;
}

const SOURCE = /\.(ts|mts|js|mjs)$/;

/** Every source file under the given folders, as repository-relative paths with '/'. */
export function readTree(root: string, folders: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string): void => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      const p = posix.join(rel, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules') walk(p);
      } else if (SOURCE.test(e.name)) out.set(p, readFileSync(join(root, p), 'utf8'));
    }
  };
  for (const f of folders) walk(f);
  return out;
}

/** Import specifiers of one file: static imports, `export ... from`, and literal `import()`. */
export function importsOf(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

interface Placed {
  layer: Layer;
  floor: number;
  /** For roles: the folder a file may import from besides the package entry. */
  unit: string;
}

function place(file: string): Placed | undefined {
  for (const [floor, layers] of FLOORS.entries()) {
    for (const layer of layers) {
      for (const p of layer.paths) {
        if (p.endsWith('/') ? file.startsWith(p) : file === p) {
          const rest = file.slice(p.length).split('/');
          const unit = p === 'roles/' && rest.length > 1 ? `${p}${rest[0]}/` : p;
          return { layer, floor, unit };
        }
      }
    }
  }
  return undefined;
}

const API_FILE = FLOORS.flat().find((l) => l.name === 'api')!.paths[0]!;

/** The repository path an import names, or undefined for node: builtins and other packages. */
function target(file: string, spec: string): string | undefined {
  if (spec === PACKAGE_NAME) return API_FILE;
  if (spec.startsWith(`${PACKAGE_NAME}/`)) return spec.slice(PACKAGE_NAME.length + 1);
  if (!spec.startsWith('.')) return undefined;
  return posix.normalize(posix.join(posix.dirname(file), spec));
}

function layerRule(file: string, from: Placed, spec: string, to: string): string | undefined {
  const dest = place(to);
  if (!dest) return `imports ${to}, which belongs to no layer`;
  if (API_ONLY.includes(from.layer.name)) {
    if (dest.layer.name === 'api') return spec === PACKAGE_NAME ? undefined : `reaches into the package by path: import '${PACKAGE_NAME}' instead`;
    if (from.layer.name === 'roles' && to.startsWith(from.unit)) return undefined;
    if (from.layer.name === 'playbooks' && (dest.layer.name === 'roles' || dest.layer.name === 'playbooks')) return undefined;
    if (dest.layer.name === 'roles') return `imports another role's file (${to}): share it through the package entry`;
    return `imports ${to} (layer ${dest.layer.name}): ${from.layer.name} import only '${PACKAGE_NAME}'${from.layer.name === 'roles' ? ' and their own folder' : ' and roles'}`;
  }
  if (dest.layer === from.layer) return undefined;
  if (dest.floor > from.floor) return `imports upward: layer ${from.layer.name} may not import layer ${dest.layer.name} (${to})`;
  if (dest.floor === from.floor) return `imports a sibling layer: ${from.layer.name} and ${dest.layer.name} share a floor and stay independent (${to})`;
  return undefined;
}

/** Every upward or sideways import, every file outside the table, and every import cycle. */
export function checkImports(files: Map<string, string>): Violation[] {
  const out: Violation[] = [];
  const graph = new Map<string, { spec: string; to: string }[]>();
  for (const [file, source] of files) {
    const from = place(file);
    if (!from) {
      out.push({ file, import: '', problem: 'belongs to no layer: add its folder to the table in docs/architecture.md and test/helpers/layers.ts' });
      continue;
    }
    const edges: { spec: string; to: string }[] = [];
    for (const spec of importsOf(source)) {
      const to = target(file, spec);
      if (to === undefined) continue;
      const problem = layerRule(file, from, spec, to);
      if (problem) out.push({ file, import: spec, problem });
      if (files.has(to)) edges.push({ spec, to });
    }
    graph.set(file, edges);
  }
  return [...out, ...cycles(graph)];
}

/** One violation per cycle found by a depth-first walk, naming the files around it. */
function cycles(graph: Map<string, { spec: string; to: string }[]>): Violation[] {
  const out: Violation[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const { spec, to } of graph.get(file) ?? []) {
      const s = state.get(to);
      if (s === 'open') {
        const loop = [...stack.slice(stack.indexOf(to)), to];
        out.push({ file, import: spec, problem: `closes an import cycle: ${loop.join(' -> ')}` });
      } else if (s === undefined) visit(to);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return out;
}

export function describe(v: Violation): string {
  return `${v.file}${v.import ? ` (import '${v.import}')` : ''}: ${v.problem}`;
}
