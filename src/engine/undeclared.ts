import { closestName } from '../inventory/suggest.ts';
import type { Playbook } from './play.ts';

/**
 * Variables named like a role's (`keepalived_...`) that no role of the playbook declares: almost
 * always a typo (`keepalived_prority`), which would otherwise leave the default in force without
 * a word. Checked for a host's merged variables (inventory, play vars, -e) against the roles that
 * host runs, so an inventory shared with other playbooks is judged only by the roles in use.
 */
export class UndeclaredVars {
  private readonly declared = new Set<string>();
  private readonly reported = new Set<string>();

  constructor(book: Playbook) {
    for (const play of book.plays) for (const use of play.roles) for (const k of Object.keys(use.def.defaults)) this.declared.add(k);
  }

  /** Problems for `vars` (each with where it came from) against the roles `roles`; each name is told once per run. */
  check(vars: Record<string, unknown>, origins: (key: string) => string | undefined, roles: readonly string[]): string[] {
    const problems: string[] = [];
    for (const key of Object.keys(vars)) {
      if (this.declared.has(key) || this.reported.has(key)) continue;
      const role = roles.find((r) => key.startsWith(`${r}_`));
      if (!role) continue;
      this.reported.add(key);
      const near = closestName(key, [...this.declared].filter((k) => k.startsWith(`${role}_`)));
      const from = origins(key);
      problems.push(`variable ${key}${from ? ` (${from})` : ''} is declared by no role: role ${role} has no such variable${near ? `; did you mean ${near}?` : ''}`);
    }
    return problems;
  }
}
