/**
 * Ansible's tag rules: with --tags, a task runs when it carries one of them, or `always`;
 * a task tagged `never` runs only when one of its other tags is asked for by name;
 * --skip-tags removes tasks (even `always` ones when `always` itself is skipped).
 */
export interface TagFilter {
  tags: string[];
  skipTags: string[];
}

export function selected(taskTags: readonly string[], f: TagFilter): boolean {
  const has = (t: string) => taskTags.includes(t);
  if (f.skipTags.some(has)) return false;
  if (has('never')) return f.tags.some((t) => t !== 'never' && t !== 'always' && has(t));
  if (f.tags.length === 0 || f.tags.includes('all')) return true;
  return has('always') || f.tags.some(has);
}

/** Names asked for that no task carries: almost always a typo, so the run is refused. */
export function unknownTags(asked: readonly string[], known: ReadonlySet<string>): string[] {
  const special = new Set(['all', 'always', 'never']);
  return asked.filter((t) => !special.has(t) && !known.has(t));
}
