// Linode instances -> inventory hosts and groups, in the spirit of linode.cloud.instance:
// selection by region, tag, type and label, keyed groups, pair groups from tags, and compose.
import { InventoryError } from '../../inventory/errors.ts';
import type { InventoryFragment } from '../../inventory/plugins.ts';
import type { VlanInterface } from '../api.ts';
import type { Linode } from '../v4.ts';
import type { LinodeInventoryConfig } from './config.ts';

/** What the inventory knows of one instance: the API's fields, and its VLANs when they were asked for. */
export interface Instance {
  linode: Linode;
  vlans?: VlanInterface[];
}

export function selected(c: LinodeInventoryConfig, l: Linode): boolean {
  if (c.regions.length && !c.regions.includes(l.region)) return false;
  if (c.tags.length && !l.tags.some((t) => c.tags.includes(t))) return false;
  if (c.types.length && !c.types.includes(l.type ?? '')) return false;
  return !c.label_pattern || c.label_pattern.test(l.label);
}

const PRIVATE = /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|169\.254\.)/;

/** The fields compose and keyed_groups may name: the instance's own, plus a few derived ones. */
export function fieldsOf(i: Instance): Record<string, unknown> {
  const l = i.linode;
  return {
    ...l,
    public_ipv4: l.ipv4.find((a) => !PRIVATE.test(a)) ?? null,
    private_ipv4: l.ipv4.find((a) => PRIVATE.test(a)) ?? null,
    ...(i.vlans ? { vlans: i.vlans } : {}),
  };
}

/** `region`, `specs.vcpus`, `ipv4[0]`, `vlans[0].ipam_address`: undefined when any step is missing. */
export function lookup(fields: Record<string, unknown>, path: string): unknown {
  const steps = path.trim().match(/[^.[\]]+/g);
  if (!steps || !/^[A-Za-z_][\w]*(\.[A-Za-z_]\w*|\[\d+\])*$/.test(path.trim())) return undefined;
  let v: unknown = fields;
  for (const s of steps) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, s)) return undefined;
    v = (v as Record<string, unknown>)[s];
  }
  return v;
}

/** A compose expression: a field path, or a string with `{{ path }}` placeholders. */
export function evaluate(fields: Record<string, unknown>, expr: string): unknown {
  if (!expr.includes('{{')) return lookup(fields, expr);
  let missing = false;
  const out = expr.replace(/\{\{\s*([^}]+?)\s*\}\}/g, (_m, p: string) => {
    const v = lookup(fields, p);
    if (v === undefined || v === null) missing = true;
    return String(v ?? '');
  });
  return missing ? undefined : out;
}

/** Ansible's rule for names made from data: anything but letters, digits and _ becomes _. */
export function groupName(text: string): string {
  return text.replace(/[^A-Za-z0-9_]/g, '_');
}

function keyedValues(v: unknown): string[] {
  if (v === undefined || v === null || v === '') return [];
  if (Array.isArray(v)) return v.flatMap(keyedValues);
  if (typeof v === 'object') return Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}_${String(x)}`);
  return [String(v)];
}

export function buildFragment(c: LinodeInventoryConfig, instances: Instance[]): InventoryFragment {
  const out: InventoryFragment = { groups: [], hosts: [], warnings: [] };
  const groups = new Map<string, { where: string; parents: Set<string> }>();
  const group = (name: string, where: string, parent?: string) => {
    const g = groups.get(name) ?? { where, parents: new Set<string>() };
    if (parent) g.parents.add(parent);
    groups.set(name, g);
  };
  const pairs = new Map<string, Instance[]>();
  for (const inst of instances) {
    const l = inst.linode;
    const f = fieldsOf(inst);
    const origin = `${c.file} (Linode instance ${l.id})`;
    const hostGroups: string[] = [];
    for (const kg of c.keyed_groups) {
      const values = keyedValues(lookup(f, kg.key));
      if (values.length === 0 && kg.default_value) values.push(kg.default_value);
      if (values.length === 0 && c.strict) throw new InventoryError(`${kg.where}: keyed_groups: '${kg.key}' is not a field of Linode instance '${l.label}' (id ${l.id})`);
      for (const v of values) {
        const name = groupName(kg.prefix ? `${kg.prefix}${kg.separator}${v}` : v);
        group(name, kg.where, kg.parent_group);
        hostGroups.push(name);
      }
    }
    const pg = c.pair_groups;
    for (const tag of pg ? l.tags.filter((t) => t.startsWith(pg.tag_prefix) && t.length > pg.tag_prefix.length) : []) {
      const name = groupName(`${pg!.prefix}_${tag.slice(pg!.tag_prefix.length)}`);
      group(name, c.where, pg!.parent_group);
      hostGroups.push(name);
      pairs.set(name, [...(pairs.get(name) ?? []), inst]);
    }
    const vars: Record<string, unknown> = {
      ...(f.public_ipv4 ? { ansible_host: f.public_ipv4 } : {}),
      linode_id: l.id,
      linode_label: l.label,
      linode_region: l.region,
      linode_type: l.type,
      linode_status: l.status,
      linode_tags: l.tags,
      linode_ipv4: l.ipv4,
      linode_ipv6: l.ipv6,
      linode_public_ipv4: f.public_ipv4,
      linode_private_ipv4: f.private_ipv4,
      ...(inst.vlans ? { linode_vlans: inst.vlans, linode_vlan_address: inst.vlans.find((v) => v.active)?.ipam_address ?? null } : {}),
    };
    const origins: Record<string, string> = Object.fromEntries(Object.keys(vars).map((k) => [k, origin]));
    for (const cv of c.compose) {
      const v = evaluate(f, cv.expr);
      if (v === undefined) {
        if (c.strict) throw new InventoryError(`${cv.where}: compose: ${cv.name}: '${cv.expr}' names nothing on Linode instance '${l.label}' (id ${l.id})`);
        continue;
      }
      vars[cv.name] = v;
      origins[cv.name] = cv.where;
    }
    if (!f.public_ipv4 && !('ansible_host' in vars)) out.warnings.push(`${origin}: '${l.label}' has no public IPv4: ansible_host is not set (compose one, e.g. ansible_host: private_ipv4)`);
    out.hosts.push({ name: l.label, where: `${c.where} (Linode instance '${l.label}', id ${l.id})`, groups: [...new Set(hostGroups)], vars, origins });
  }
  for (const [name, members] of pairs) pairVars(out, name, members, c);
  out.groups = [...groups].map(([name, g]) => ({ name, where: g.where, parents: [...g.parents] }));
  return out;
}

/** Each host of a two-instance pair group learns its peer; any other count is a warning, not a guess. */
function pairVars(out: InventoryFragment, name: string, members: Instance[], c: LinodeInventoryConfig): void {
  if (members.length !== 2) {
    out.warnings.push(`${c.where}: pair group '${name}' holds ${members.length} instance(s) (${members.map((m) => m.linode.label).join(', ')}): a pair has two, so no peer variables were set`);
    return;
  }
  members.forEach((m, i) => {
    const peer = members[1 - i]!.linode;
    const host = out.hosts.find((h) => h.name === m.linode.label)!;
    const origin = `${c.file} (pair group ${name})`;
    for (const [k, v] of [['linode_pair', name], ['linode_peer_id', peer.id], ['linode_peer_label', peer.label]] as const) {
      host.vars[k] = v;
      host.origins[k] = origin;
    }
  });
}
