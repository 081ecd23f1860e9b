import test from 'ava';
import { readFileSync } from 'node:fs';
import { InventoryError } from '../../src/inventory/errors.ts';
import { loadInventory } from '../../src/inventory/load.ts';
import { selectHosts } from '../../src/inventory/patterns.ts';
import { hostVars } from '../../src/inventory/vars.ts';
import { ROOT } from './inventory-helpers.ts';

// What Ansible itself answered (test/fixtures/ansible-patterns/record.sh, ansible-core 2.14).
interface Case {
  inventories: string[];
  pattern: string;
  limit?: string;
  rc: number;
  hosts: string[] | null;
  unmatched: string[];
}
const answers = JSON.parse(readFileSync(`${ROOT}/test/fixtures/ansible-patterns/answers.json`, 'utf8')) as {
  cases: Case[];
  priority_hostvars: Record<string, Record<string, unknown>>;
};

/** Where Ansible warns that a part matched nothing (or ends with no host), ts-play refuses; a retry file's comment lines are skipped, not patterns. */
function expectsError(c: Case): boolean {
  return c.rc !== 0 || !c.hosts?.length || c.unmatched.some((u) => !u.startsWith('#'));
}

for (const c of answers.cases) {
  const name = `${c.inventories.map((f) => f.split('/').slice(-2).join('/')).join('+')}: '${c.pattern}'${c.limit ? ` --limit '${c.limit}'` : ''}`;
  test(`as Ansible: ${name}`, async (t) => {
    const inv = await loadInventory(c.inventories, { cwd: ROOT });
    const run = () => {
      const hosts = selectHosts(inv, c.pattern, 'pattern', { cwd: ROOT });
      if (c.limit === undefined) return hosts;
      const allowed = new Set(selectHosts(inv, c.limit, '--limit', { cwd: ROOT }));
      return hosts.filter((h) => allowed.has(h));
    };
    if (expectsError(c)) {
      t.throws(run, { instanceOf: InventoryError });
    } else {
      t.deepEqual(run(), c.hosts);
    }
  });
}

test('ansible_group_priority orders variables only where the inventory sets it, as Ansible merges them', async (t) => {
  const inv = await loadInventory(['test/fixtures/ansible-patterns/priority/hosts.yml'], { cwd: ROOT });
  for (const [host, want] of Object.entries(answers.priority_hostvars)) {
    t.deepEqual(hostVars(inv, host).vars, want, host);
  }
});
