import { isMap } from 'yaml';
import { clip } from '../vault/redact.ts';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { VaultDecryptor } from '../vault/types.ts';
import { displayPath, InventoryError } from './errors.ts';
import type { VarOrigins } from './types.ts';
import type { MergedVars } from './vars.ts';
import { readVarsFile } from './vars-files.ts';
import { mappingVars, parseYaml, setVar } from './yaml.ts';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface Token {
  text: string;
  /** Some part of the value was quoted: keep it a string rather than reading it as YAML. */
  quoted: boolean;
}

/** Splits `a=1 msg="hello world"` on unquoted whitespace, dropping the quotes (as a shell would). */
function tokenize(arg: string, show: string): Token[] {
  const out: Token[] = [];
  let cur: Token | null = null;
  let quote: string | null = null;
  for (const ch of arg) {
    if (quote) {
      if (ch === quote) quote = null;
      else cur!.text += ch;
    } else if (ch === '"' || ch === "'") {
      cur ??= { text: '', quoted: false };
      cur.quoted = true;
      quote = ch;
    } else if (/\s/.test(ch)) {
      if (cur) out.push(cur);
      cur = null;
    } else {
      cur ??= { text: '', quoted: false };
      cur.text += ch;
    }
  }
  if (quote) throw new InventoryError(`${show}: unterminated ${quote} quote`);
  if (cur) out.push(cur);
  return out;
}

/** `-e prio=150` gives 150, `-e x=true` gives true, `-e v=1.10` gives 1.1: YAML scalars, as typed. */
export function parseScalar(text: string): unknown {
  if (text === '') return '';
  try {
    const src = parseYaml(text, '-e');
    const node = src.doc.contents as { value?: unknown; items?: unknown } | null;
    if (node && node.items === undefined && (node.value === null || typeof node.value !== 'object')) return node.value;
  } catch {
    // Not a valid YAML scalar (e.g. "a: b: c"): the text itself is the value.
  }
  return text;
}

function inlineMapping(arg: string, show: string): MergedVars {
  const src = parseYaml(arg, show);
  if (!isMap(src.doc.contents)) throw new InventoryError(`${show}: expected a mapping of variables`);
  const { vars } = mappingVars(src, src.doc.contents);
  return { vars, origins: Object.fromEntries(Object.keys(vars).map((k) => [k, '-e'])) };
}

function keyValues(tokens: Token[], show: string): MergedVars {
  const vars: Record<string, unknown> = {};
  const origins: VarOrigins = {};
  for (const t of tokens) {
    const eq = t.text.indexOf('=');
    const key = t.text.slice(0, eq);
    if (!NAME.test(key)) throw new InventoryError(`${show}: '${key}' is not a valid variable name`);
    const raw = t.text.slice(eq + 1);
    setVar(vars, key, t.quoted ? raw : parseScalar(raw));
    setVar(origins, key, '-e');
  }
  return { vars, origins };
}

/** One -e argument: `@file.yml`, an inline `{...}` mapping, or `key=value ...`. */
async function parseOne(arg: string, cwd: string, vault?: VaultDecryptor): Promise<MergedVars> {
  const show = `-e '${clip(arg, 40)}'`;
  const text = arg.trim();
  if (text.startsWith('@')) {
    const abs = resolve(cwd, text.slice(1));
    if (!existsSync(abs)) throw new InventoryError(`extra vars file not found: ${displayPath(abs, cwd)} (in -e)`);
    const f = await readVarsFile(abs, cwd, vault);
    return { vars: f.vars, origins: f.origins };
  }
  if (text.startsWith('{')) return inlineMapping(text, show);
  const tokens = tokenize(text, show);
  if (tokens.length === 0) throw new InventoryError(`${show}: empty extra vars`);
  if (tokens.every((t) => /^[^=]+=/.test(t.text))) return keyValues(tokens, show);
  const stray = tokens.find((t) => !t.text.includes('='));
  if (stray && tokens.some((t) => t.text.includes('='))) {
    throw new InventoryError(`${show}: '${stray.text}' is not key=value (quote values that hold spaces)`);
  }
  try {
    return inlineMapping(text, show);
  } catch {
    throw new InventoryError(`${show}: expected key=value, @file.yml or a mapping like '{"key": 1}'`);
  }
}

/** Every -e merged left to right (a later -e wins), with the origin of each value. */
export async function loadExtraVars(args: string[], cwd: string, vault?: VaultDecryptor): Promise<MergedVars> {
  const vars: Record<string, unknown> = {};
  const origins: VarOrigins = {};
  for (const arg of args) {
    const one = await parseOne(arg, cwd, vault);
    for (const [k, v] of Object.entries(one.vars)) {
      setVar(vars, k, v);
      setVar(origins, k, one.origins[k] ?? '-e');
    }
  }
  return { vars, origins };
}

/** The -e values alone; `vault` decrypts vaulted `-e @file` contents. */
export async function parseExtraVars(args: string[], cwd: string, vault?: VaultDecryptor): Promise<Record<string, unknown>> {
  return (await loadExtraVars(args, cwd, vault)).vars;
}
