/**
 * `ts-play inventory --list` against `ansible-inventory --list`, vaulted values aside: ts-play
 * also lists the variables of the inventory's vars files (the lab vault), which Ansible does not
 * read; each of those must be redacted, and everything else must be equal.
 */
export function differencesFromAnsible(ours: Record<string, any>, theirs: Record<string, any>): string[] {
  const problems: string[] = [];
  const { _meta: ourMeta, ...ourGroups } = ours;
  const { _meta: theirMeta, ...theirGroups } = theirs;
  if (JSON.stringify(ourGroups) !== JSON.stringify(sortTop(theirGroups, Object.keys(ourGroups)))) {
    problems.push(`groups differ: ${JSON.stringify(ourGroups)} vs ${JSON.stringify(theirGroups)}`);
  }
  const ourHosts: Record<string, Record<string, unknown>> = ourMeta?.hostvars ?? {};
  const theirHosts: Record<string, Record<string, unknown>> = theirMeta?.hostvars ?? {};
  for (const host of new Set([...Object.keys(ourHosts), ...Object.keys(theirHosts)])) {
    const a = ourHosts[host] ?? {};
    const b = theirHosts[host] ?? {};
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (!(k in b)) {
        if (!JSON.stringify(a[k]).includes('<vaulted>')) problems.push(`${host}: ${k} only in ts-play's list, and not vaulted`);
      } else if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) {
        problems.push(`${host}: ${k} is ${JSON.stringify(a[k])} in ts-play's list, ${JSON.stringify(b[k])} in Ansible's`);
      }
    }
  }
  return problems;
}

function sortTop(o: Record<string, unknown>, order: string[]): Record<string, unknown> {
  return Object.fromEntries([...order.filter((k) => k in o), ...Object.keys(o).filter((k) => !order.includes(k))].map((k) => [k, o[k]]));
}
